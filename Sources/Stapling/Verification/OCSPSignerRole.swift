/// Who signed a verified response, and in which capacity.
public enum OCSPSignerRole: Sendable, Hashable, CustomStringConvertible {
    /// The certificate's issuer, with its own key.
    case issuer
    /// A delegated responder certificate (subject given) issued by the issuer for OCSP signing.
    case delegated(subject: String)

    public var description: String {
        switch self {
        case .issuer: "the issuer"
        case .delegated(let subject): "delegated responder \(subject)"
        }
    }
}
