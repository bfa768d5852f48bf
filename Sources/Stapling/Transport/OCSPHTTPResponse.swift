/// The HTTP method an OCSP request was sent with (RFC 6960 appendix A).
public enum OCSPHTTPMethod: String, Sendable, Equatable {
    case get = "GET"
    case post = "POST"
}

/// A successful HTTP exchange with an OCSP responder: status 200, content type
/// `application/ocsp-response` and a complete, non-empty body within the size cap.
///
/// The body is not yet parsed nor verified; that is the verifier's job.
public struct OCSPHTTPResponse: Sendable {
    /// The HTTP status code (always 200 for a response handed back as a success).
    public var statusCode: Int
    /// The `Content-Type` header as sent.
    public var contentType: String?
    /// `Cache-Control: max-age` in seconds, if the responder sent one.
    public var maxAge: Int?
    /// The DER-encoded OCSPResponse as received.
    public var body: [UInt8]
    /// The address the response came from (the proxy's when a proxy was used), e.g. `[2001:db8::1]:80`.
    public var remoteAddress: String
    /// The method the request was sent with.
    public var method: OCSPHTTPMethod
    /// Time from the start of the fetch (DNS included) to the last byte of the body.
    public var latency: Duration

    public init(
        statusCode: Int,
        contentType: String?,
        maxAge: Int?,
        body: [UInt8],
        remoteAddress: String,
        method: OCSPHTTPMethod,
        latency: Duration
    ) {
        self.statusCode = statusCode
        self.contentType = contentType
        self.maxAge = maxAge
        self.body = body
        self.remoteAddress = remoteAddress
        self.method = method
        self.latency = latency
    }
}
