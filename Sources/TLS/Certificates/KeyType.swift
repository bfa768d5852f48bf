/// The public-key algorithm of a certificate, which decides which clients can use it.
public enum KeyType: String, Sendable, Equatable, Hashable, CustomStringConvertible {
    case ecdsa = "ECDSA"
    case rsa = "RSA"
    case ed25519 = "Ed25519"
    case ed448 = "Ed448"
    case other = "other"

    public var description: String { rawValue }
}
