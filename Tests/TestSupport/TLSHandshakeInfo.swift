/// The server certificate a `TLSTestClient` received.
public struct TLSPeerCertificate: Sendable {
    /// Subject and issuer in OpenSSL's one-line form, e.g. `/CN=localhost`.
    public var subject: String
    public var issuer: String
    public var commonName: String?
    /// Serial number in uppercase hex, as `openssl x509 -serial` prints it (and `TestLeaf.serial`).
    public var serial: String
    /// DNS names and IP addresses (as text) of the subjectAltName extension.
    public var subjectAlternativeNames: [String]
}

/// What a completed handshake negotiated and received.
public struct TLSHandshakeInfo: Sendable {
    /// `TLSv1.2` or `TLSv1.3`.
    public var version: String
    /// OpenSSL's cipher name, e.g. `TLS_AES_256_GCM_SHA384` or `ECDHE-ECDSA-AES128-GCM-SHA256`.
    public var cipher: String
    /// The ALPN protocol the server chose, if any.
    public var alpn: String?
    public var peerCertificate: TLSPeerCertificate?
    /// Subjects of every certificate the server sent, leaf first.
    public var peerChainSubjects: [String]
    /// The stapled OCSP response (DER) if the server sent one.
    public var stapledOCSPResponse: [UInt8]?
    /// `SSL_get_verify_result` (0 = X509_V_OK) and its text; meaningful when a CA file was given.
    public var verifyResult: Int
    public var verifyResultText: String
    /// Whether an offered session was resumed.
    public var sessionReused: Bool
}
