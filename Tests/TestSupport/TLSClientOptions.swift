import CStapledShims

/// A TLS protocol version a test client can pin.
public enum TLSVersion: String, Sendable, CaseIterable, CustomStringConvertible {
    case tls12 = "TLSv1.2"
    case tls13 = "TLSv1.3"

    var protocolVersion: Int32 {
        switch self {
        case .tls12: CStapledShims_TLS1_2_VERSION()
        case .tls13: CStapledShims_TLS1_3_VERSION()
        }
    }

    public var description: String { rawValue }
}

/// What a `TLSTestClient` offers and checks in its handshake.
public struct TLSClientOptions: Sendable {
    /// SNI host name; nil sends no SNI.
    public var serverName: String?
    public var minVersion: TLSVersion?
    public var maxVersion: TLSVersion?
    /// Trust anchors (PEM). When set, the server's chain must verify against them or the
    /// handshake fails; when nil, nothing is verified (the result is still reported).
    public var caFile: String?
    /// Host name the certificate must match (checked only with `caFile`).
    public var verifyHostname: String?
    /// Send status_request (ask the server to staple an OCSP response).
    public var requestOCSPStatus: Bool
    /// ALPN protocols offered, in preference order; empty offers none.
    public var alpn: [String]
    /// Signature algorithms offered (`SSL_CTX_set1_sigalgs_list` syntax); restricting them selects
    /// which of a server's certificates (ECDSA or RSA) it must use. See `ecdsaOnly` / `rsaOnly`.
    public var signatureAlgorithms: String?
    /// TLS 1.2 cipher list (`SSL_CTX_set_cipher_list`) and TLS 1.3 suites (`SSL_CTX_set_ciphersuites`).
    public var cipherList: String?
    public var cipherSuites: String?
    /// A session from an earlier connection to resume.
    public var resumeSession: TLSSession?
    /// Bounds the connect, the handshake, and every later read and write.
    public var timeout: Duration

    public init(
        serverName: String? = nil, minVersion: TLSVersion? = nil, maxVersion: TLSVersion? = nil,
        caFile: String? = nil, verifyHostname: String? = nil, requestOCSPStatus: Bool = false, alpn: [String] = [],
        signatureAlgorithms: String? = nil, cipherList: String? = nil, cipherSuites: String? = nil,
        resumeSession: TLSSession? = nil, timeout: Duration = .seconds(10)
    ) {
        self.serverName = serverName
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.caFile = caFile
        self.verifyHostname = verifyHostname
        self.requestOCSPStatus = requestOCSPStatus
        self.alpn = alpn
        self.signatureAlgorithms = signatureAlgorithms
        self.cipherList = cipherList
        self.cipherSuites = cipherSuites
        self.resumeSession = resumeSession
        self.timeout = timeout
    }

    /// Signature algorithms that only an ECDSA certificate can satisfy.
    public static let ecdsaOnly = "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512"
    /// Signature algorithms that only an RSA certificate can satisfy.
    public static let rsaOnly =
        "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:RSA+SHA256:RSA+SHA384:RSA+SHA512"
}
