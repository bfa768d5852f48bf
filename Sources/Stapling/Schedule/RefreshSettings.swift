/// When to refresh staples and retry failed fetches; mirrors the `stapling { }` block of the
/// config (`refresh_fraction`, `min_refresh_interval`, `max_refresh_interval`, `retry_max`) plus
/// the fixed parts of the policy, named so tests and the status page can show them.
public struct RefreshSettings: Sendable, Equatable {
    /// Refresh at `thisUpdate + refreshFraction × (validUntil − thisUpdate)`.
    public var refreshFraction: Double
    /// No refresh is scheduled sooner than this after the previous one.
    public var minRefreshInterval: Duration
    /// No refresh is scheduled later than this after the previous one.
    public var maxRefreshInterval: Duration
    /// The cap of the backoff after failed fetches.
    public var retryMax: Duration
    /// The first backoff after a failed fetch; later ones grow from it.
    public var retryBase: Duration
    /// The refresh point moves by up to ± this fraction of the validity window, so instances that
    /// fetched together do not refresh together.
    public var jitterFraction: Double
    /// Refreshes and retries aim to start at least this long before a staple expires (at most a
    /// tenth of its validity window, so short-lived responses still get a usable window).
    public var expiryMargin: Duration
    public var backoffJitter: BackoffJitter

    public init(
        refreshFraction: Double = 0.5, minRefreshInterval: Duration = .seconds(60),
        maxRefreshInterval: Duration = .seconds(86_400), retryMax: Duration = .seconds(3_600),
        retryBase: Duration = .seconds(60), jitterFraction: Double = 0.1, expiryMargin: Duration = .seconds(3_600),
        backoffJitter: BackoffJitter = .decorrelated
    ) {
        self.refreshFraction = refreshFraction
        self.minRefreshInterval = minRefreshInterval
        self.maxRefreshInterval = maxRefreshInterval
        self.retryMax = retryMax
        self.retryBase = retryBase
        self.jitterFraction = jitterFraction
        self.expiryMargin = expiryMargin
        self.backoffJitter = backoffJitter
    }
}

/// How the failure backoff is randomized (the two schemes of the AWS "Exponential Backoff and
/// Jitter" article).
public enum BackoffJitter: Sendable, Equatable {
    /// Uniform in [1 s, min(retryMax, retryBase × 2^(failures − 1))]: spreads retries the most,
    /// but may retry well before `retryBase`.
    case full
    /// Uniform in [retryBase, 3 × previous delay], capped at retryMax: never sooner than
    /// `retryBase`, growing about threefold per failure.
    case decorrelated
}
