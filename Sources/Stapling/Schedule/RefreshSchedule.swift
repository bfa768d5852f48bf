/// The refresh and retry policy of DESIGN.md ("The stapling rules", Refresh) as pure functions
/// of their inputs: times are seconds since the epoch, and randomness comes from the generator
/// passed in (`SystemRandomNumberGenerator` in the daemon, a fixed one in tests).
public struct RefreshSchedule: Sendable, Equatable {
    public var settings: RefreshSettings

    public init(settings: RefreshSettings = RefreshSettings()) {
        self.settings = settings
    }

    /// When to refresh a staple that was just fetched (or loaded).
    ///
    /// The point is `thisUpdate + fraction × window`, moved by up to ± `jitterFraction × window`,
    /// never later than `validUntil − margin`; then not before `httpFreshUntil` (fetch time plus the
    /// responder's `Cache-Control: max-age`) unless that would pass the margin; then clamped to
    /// `[now + minRefreshInterval, now + maxRefreshInterval]`.
    public func nextRefresh<Random: RandomNumberGenerator>(
        for validity: StapleValidity, httpFreshUntil: Int64? = nil, now: Int64, using random: inout Random
    ) -> RefreshPlan {
        let window = Double(validity.window)
        let fraction = Self.fraction(settings.refreshFraction, otherwise: 0.5)
        let jitter = (2 * unit(&random) - 1) * Self.fraction(settings.jitterFraction, otherwise: 0) * window
        // Both terms lie within [-window, 2 × window], so the conversion cannot overflow.
        var point = validity.thisUpdate + Int64((fraction * window + jitter).rounded(.down))
        var reason = RefreshPlan.Reason.refreshPoint

        let latest = validity.validUntil - margin(for: validity)
        if point > latest {
            point = latest
            reason = .expiryMargin
        }
        if let httpFreshUntil, point < httpFreshUntil {
            // Honour max-age, unless expiry is near: then the margin wins.
            (point, reason) = httpFreshUntil <= latest ? (httpFreshUntil, .httpMaxAge) : (latest, .expiryMargin)
        }
        let isOverdue = point <= now

        let earliest = now + Self.seconds(settings.minRefreshInterval)
        let furthest = now + Self.seconds(settings.maxRefreshInterval)
        if point < earliest {
            return RefreshPlan(at: earliest, reason: .minimumInterval, isOverdue: isOverdue)
        }
        if point > furthest {
            return RefreshPlan(at: furthest, reason: .maximumInterval, isOverdue: isOverdue)
        }
        return RefreshPlan(at: point, reason: reason, isOverdue: isOverdue)
    }

    /// The safety margin before a staple's expiry: `expiryMargin`, but at most a tenth of the window.
    func margin(for validity: StapleValidity) -> Int64 {
        min(Self.seconds(settings.expiryMargin), validity.window / 10)
    }

    /// `value` limited to [0, 1]; `fallback` when it is not a number (Config validates the
    /// range, this keeps a bad value from trapping on conversion).
    static func fraction(_ value: Double, otherwise fallback: Double) -> Double {
        value.isFinite ? min(max(value, 0), 1) : fallback
    }

    /// Whole seconds of a setting, rounded down: the schedule works in the epoch seconds that
    /// certificates and responses use.
    static func seconds(_ duration: Duration) -> Int64 { duration.components.seconds }

    /// A uniform value in [0, 1): the top 53 bits of one draw, scaled. Spelled out rather than
    /// `Double.random(in:using:)` so that a given draw always means the same value (tests rely on it).
    func unit<Random: RandomNumberGenerator>(_ random: inout Random) -> Double {
        Double(random.next() >> 11) * 0x1p-53
    }
}
