/// A leaf certificate issued by a `TestPKI` intermediate, and where its files are.
public struct TestLeaf: Sendable {
    /// The name it was issued for (its subject CN).
    public var name: String
    public var keyType: TestKeyType
    /// The leaf alone (PEM).
    public var certificatePath: String
    /// Its private key (PEM, PKCS#8).
    public var keyPath: String
    /// The leaf, then the intermediate: what a server's chain file holds.
    public var chainPath: String
    /// Serial number in uppercase hex, as `openssl x509 -serial` and `index.txt` print it.
    public var serial: String
    /// Subject in OpenSSL's one-line form, e.g. `/CN=localhost`.
    public var subject: String
    /// Subject alternative names as given (DNS names and IP literals).
    public var subjectAlternativeNames: [String]
    /// The AIA OCSP URLs, in order.
    public var ocspURLs: [String]
    /// Whether it carries the TLS Feature extension with status_request (Must-Staple).
    public var mustStaple: Bool
}

/// A certificate and key that can sign OCSP responses, and how it relates to the issuer.
public struct OCSPSigner: Sendable {
    public enum Kind: String, Sendable {
        /// The issuing CA (the intermediate) signs its own responses.
        case issuer
        /// A delegated responder: issued by the intermediate, with `id-kp-OCSPSigning`.
        case delegated
        /// Issued by the intermediate but without the OCSPSigning EKU: must be rejected.
        case delegatedWithoutOCSPSigningEKU
        /// Self-signed, unrelated to the PKI (has the EKU): must be rejected.
        case unrelated
    }

    public var kind: Kind
    public var certificatePath: String
    public var keyPath: String
}
