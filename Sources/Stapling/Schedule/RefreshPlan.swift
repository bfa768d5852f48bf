import TLS

/// When the next fetch for a certificate happens, and which rule decided it (for the log line and
/// the status page).
public struct RefreshPlan: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// `thisUpdate + fraction × window`, with jitter.
        case refreshPoint
        /// Moved later to the end of the HTTP `Cache-Control: max-age` freshness.
        case httpMaxAge
        /// Moved earlier so that it starts before the expiry margin.
        case expiryMargin
        /// Moved later to `now + minRefreshInterval`.
        case minimumInterval
        /// Moved earlier to `now + maxRefreshInterval`.
        case maximumInterval
        /// The failure backoff.
        case backoff
        /// The failure backoff, pulled in to retry before the current staple expires.
        case beforeExpiry
    }

    /// Seconds since the epoch.
    public var at: Int64
    public var reason: Reason
    /// For a refresh: the refresh point had already passed at `now` (a cached staple loaded at start
    /// past its refresh point); the caller fetches at once rather than waiting for `at`.
    public var isOverdue: Bool

    public init(at: Int64, reason: Reason, isOverdue: Bool = false) {
        self.at = at
        self.reason = reason
        self.isOverdue = isOverdue
    }

    public var description: String {
        "\(UTCTime.format(at)) (\(reason.rawValue)\(isOverdue ? ", overdue" : ""))"
    }
}
