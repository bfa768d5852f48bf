/// The sidecar of a cached staple: where and when it was fetched and what it said, for operators
/// reading the cache directory and for the integrity check of the DER file next to it.
///
/// Advisory only: a loaded staple is always verified again; these values never make it valid.
public struct StapleMetadata: Sendable, Equatable {
    /// The responder URL it came from; nil for a staple that was not fetched.
    public var url: String?
    /// Seconds since the epoch.
    public var fetchedAt: Int64
    public var httpStatus: Int?
    public var thisUpdate: Int64
    public var nextUpdate: Int64?
    /// `good` or `revoked`.
    public var certStatus: String
    /// The certificate's subject and serial (upper-case hex), to tell files apart.
    public var subject: String
    public var serial: String
    /// Length and SHA-256 (lower-case hex) of the DER file; set by `StapleCache.store`.
    public var derLength: Int
    public var derSHA256: String

    public init(
        url: String?, fetchedAt: Int64, httpStatus: Int?, thisUpdate: Int64, nextUpdate: Int64?, certStatus: String,
        subject: String, serial: String, derLength: Int = 0, derSHA256: String = ""
    ) {
        self.url = url
        self.fetchedAt = fetchedAt
        self.httpStatus = httpStatus
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.certStatus = certStatus
        self.subject = subject
        self.serial = serial
        self.derLength = derLength
        self.derSHA256 = derSHA256
    }

    /// The metadata of a verified response for the certificate named `subject`.
    public init(
        response: VerifiedOCSPResponse, subject: String, url: String?, fetchedAt: Int64, httpStatus: Int?
    ) {
        self.init(
            url: url, fetchedAt: fetchedAt, httpStatus: httpStatus, thisUpdate: response.thisUpdate,
            nextUpdate: response.nextUpdate, certStatus: response.certStatus.name, subject: subject,
            serial: response.certID.serial, derLength: response.der.count,
            derSHA256: HexEncoding.sha256(response.der) ?? "")
    }
}
