/// How a response names its signer (RFC 6960 `ResponderID`).
public enum OCSPResponderID: Sendable, Hashable, CustomStringConvertible {
    /// The signer's subject, one-line form (`/CN=Example OCSP Responder`).
    case name(String)
    /// SHA-1 of the signer's public key, lower-case hex.
    case keyHash(String)

    public var description: String {
        switch self {
        case .name(let name): "name \(name)"
        case .keyHash(let hash): "key hash \(hash)"
        }
    }
}
