/// The certificate authorities an `https://` OCSP responder's certificate is verified against.
public enum OCSPTrustRoots: Sendable, Equatable {
    /// OpenSSL's default verify paths (`SSL_CTX_set_default_verify_paths`): the system trust store.
    case system
    /// The certificates in one PEM file (a private PKI, or a test CA).
    case pemFile(String)
}
