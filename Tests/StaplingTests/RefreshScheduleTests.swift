import Stapling
import Testing

@Suite("RefreshSchedule: when to refresh")
struct RefreshScheduleTests {
    let thisUpdate: Int64 = 1_800_000_000
    let week: Int64 = 7 * 86_400
    var validity: StapleValidity { StapleValidity(thisUpdate: thisUpdate, validUntil: thisUpdate + week) }
    /// A maximum interval that never clamps these cases.
    let unclamped = RefreshSchedule(settings: RefreshSettings(maxRefreshInterval: .seconds(30 * 86_400)))

    @Test("without jitter: thisUpdate + fraction × window")
    func refreshPoint() {
        var random = FixedRandom(unit: 0.5)
        let plan = unclamped.nextRefresh(for: validity, now: thisUpdate, using: &random)
        #expect(plan == RefreshPlan(at: thisUpdate + week / 2, reason: .refreshPoint))

        var settings = unclamped.settings
        settings.refreshFraction = 0.75
        let later = RefreshSchedule(settings: settings).nextRefresh(for: validity, now: thisUpdate, using: &random)
        #expect(later.at == thisUpdate + week * 3 / 4)
    }

    @Test("jitter moves the point by up to ± 10 % of the window")
    func jitter() {
        var low = FixedRandom(unit: 0)
        var high = FixedRandom.maximum
        let earliest = unclamped.nextRefresh(for: validity, now: thisUpdate, using: &low)
        let latest = unclamped.nextRefresh(for: validity, now: thisUpdate, using: &high)
        #expect(earliest.at == thisUpdate + week / 2 - week / 10)
        #expect(latest.at >= thisUpdate + week / 2 + week / 10 - 1)
        #expect(latest.at <= thisUpdate + week / 2 + week / 10)
    }

    @Test("never past the safety margin before expiry")
    func expiryMargin() {
        var settings = unclamped.settings
        settings.refreshFraction = 0.99
        var random = FixedRandom.maximum
        let plan = RefreshSchedule(settings: settings).nextRefresh(for: validity, now: thisUpdate, using: &random)
        #expect(plan == RefreshPlan(at: thisUpdate + week - 3_600, reason: .expiryMargin))

        // A ten-minute response: the margin shrinks to a tenth of its window.
        let short = StapleValidity(thisUpdate: thisUpdate, validUntil: thisUpdate + 600)
        var settingsShort = settings
        settingsShort.minRefreshInterval = .seconds(0)
        let shortPlan = RefreshSchedule(settings: settingsShort).nextRefresh(
            for: short, now: thisUpdate, using: &random)
        #expect(shortPlan == RefreshPlan(at: thisUpdate + 540, reason: .expiryMargin))
    }

    @Test("not before the HTTP max-age, unless expiry is near")
    func httpMaxAge() {
        var random = FixedRandom(unit: 0.5)
        let honoured = unclamped.nextRefresh(
            for: validity, httpFreshUntil: thisUpdate + 5 * 86_400, now: thisUpdate, using: &random)
        #expect(honoured == RefreshPlan(at: thisUpdate + 5 * 86_400, reason: .httpMaxAge))

        let earlier = unclamped.nextRefresh(
            for: validity, httpFreshUntil: thisUpdate + 86_400, now: thisUpdate, using: &random)
        #expect(earlier == RefreshPlan(at: thisUpdate + week / 2, reason: .refreshPoint))

        let pastExpiry = unclamped.nextRefresh(
            for: validity, httpFreshUntil: thisUpdate + week + 86_400, now: thisUpdate, using: &random)
        #expect(pastExpiry == RefreshPlan(at: thisUpdate + week - 3_600, reason: .expiryMargin))
    }

    @Test("clamped to the minimum and maximum intervals from now")
    func clamps() {
        var random = FixedRandom(unit: 0.5)
        let schedule = RefreshSchedule()
        let tiny = StapleValidity(thisUpdate: thisUpdate, validUntil: thisUpdate + 100)
        #expect(
            schedule.nextRefresh(for: tiny, now: thisUpdate, using: &random)
                == RefreshPlan(at: thisUpdate + 60, reason: .minimumInterval))

        let month = StapleValidity(thisUpdate: thisUpdate, validUntil: thisUpdate + 30 * 86_400)
        #expect(
            schedule.nextRefresh(for: month, now: thisUpdate, using: &random)
                == RefreshPlan(at: thisUpdate + 86_400, reason: .maximumInterval))
    }

    @Test("a staple loaded past its refresh point is overdue")
    func overdue() {
        var random = FixedRandom(unit: 0.5)
        let now = thisUpdate + 5 * 86_400
        let plan = unclamped.nextRefresh(for: validity, now: now, using: &random)
        #expect(plan.isOverdue)
        #expect(plan.at == now + 60)
        #expect(!unclamped.nextRefresh(for: validity, now: thisUpdate, using: &random).isOverdue)
    }

    @Test("default settings mirror the config defaults")
    func defaults() {
        let settings = RefreshSettings()
        #expect(settings.refreshFraction == 0.5)
        #expect(settings.minRefreshInterval == .seconds(60))
        #expect(settings.maxRefreshInterval == .seconds(86_400))
        #expect(settings.retryMax == .seconds(3_600))
        #expect(settings.retryBase == .seconds(60))
    }
}

extension RefreshScheduleTests {
    @Test("fractions outside [0, 1] or not numbers do not trap")
    func badFractions() {
        var random = FixedRandom(unit: 0.5)
        for fraction in [Double.nan, .infinity, -1, 7] {
            let schedule = RefreshSchedule(
                settings: RefreshSettings(
                    refreshFraction: fraction, maxRefreshInterval: .seconds(30 * 86_400), jitterFraction: fraction))
            let plan = schedule.nextRefresh(for: validity, now: thisUpdate, using: &random)
            #expect(plan.at >= thisUpdate + 60 && plan.at <= thisUpdate + week - 3_600)
        }
    }
}
