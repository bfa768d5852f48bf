import TLS

/// What the engine knows about one certificate's staple: the live state behind `stapled status`,
/// the admin endpoint and the refresh loop. Owned by the engine actor.
struct CertificateStaplingState {
    let target: StaplingTarget
    let slot: StapleSlot
    /// nil when the certificate is not fetched (no URL, disabled, missing issuer).
    let certID: OCSPCertID?
    let request: [UInt8]?
    var current: VerifiedOCSPResponse?
    var plan: RefreshPlan?
    var consecutiveFailures = 0
    var previousDelay: Int64?
    var lastAttemptAt: Int64?
    var lastResult: String?
    var fetchCounts: [String: Int] = [:]
    var lastLatencyMilliseconds: Int?
    var task: Task<Void, Never>?
    var inFlight = false
}

/// A snapshot of one certificate's staple, for reports (`stapled -t`, status page, metrics).
public struct StapleStatus: Sendable {
    public var subject: String
    public var chainPath: String
    public var names: [String]
    public var keyType: String
    public var serial: String
    public var certificateNotAfter: Int64
    public var mustStaple: Bool
    public var applicability: StaplingTarget.Applicability
    public var urls: [String]
    public var certStatus: String?
    public var thisUpdate: Int64?
    public var validUntil: Int64?
    public var nextRefresh: Int64?
    public var lastResult: String?
    public var lastAttemptAt: Int64?
    public var consecutiveFailures: Int
    public var fetchCounts: [String: Int]
    public var lastLatencyMilliseconds: Int?

    /// A staple is being served right now.
    public func isStapled(now: Int64) -> Bool { (validUntil ?? 0) > now }
}
