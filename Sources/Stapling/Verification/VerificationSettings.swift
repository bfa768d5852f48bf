/// The tolerances of `OCSPResponseVerifier`, in seconds (Config's `max_clock_skew` and
/// `max_age_without_next_update`).
public struct VerificationSettings: Sendable, Equatable {
    /// How far `thisUpdate` may lie in the future (the responder's clock ahead of ours).
    public var maxClockSkew: Int64
    /// How long after `thisUpdate` a response without `nextUpdate` is accepted; it is also that
    /// response's effective expiry.
    public var maxAgeWithoutNextUpdate: Int64

    public init(maxClockSkew: Int64 = 300, maxAgeWithoutNextUpdate: Int64 = 3_600) {
        self.maxClockSkew = maxClockSkew
        self.maxAgeWithoutNextUpdate = maxAgeWithoutNextUpdate
    }
}
