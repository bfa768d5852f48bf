import Stapling
import Testing

@Suite("RefreshSchedule: backoff after failures")
struct RefreshBackoffTests {
    let now: Int64 = 1_800_000_000

    private func delays(
        _ schedule: RefreshSchedule, random: FixedRandom, failures: Int, current: StapleValidity? = nil
    ) -> [Int64] {
        var random = random
        var previous: Int64?
        return (1...failures).map { failure in
            let plan = schedule.retry(
                afterFailures: failure, previousDelay: previous, current: current, now: now, using: &random)
            previous = plan.at - now
            return plan.at - now
        }
    }

    @Test("full jitter: a uniform share of a ceiling that doubles from 60 s up to the cap")
    func fullJitterGrowth() {
        let schedule = RefreshSchedule(settings: RefreshSettings(backoffJitter: .full))
        #expect(
            delays(schedule, random: FixedRandom(unit: 0.5), failures: 9)
                == [30, 60, 120, 240, 480, 960, 1_800, 1_800, 1_800])
        #expect(delays(schedule, random: FixedRandom(unit: 0), failures: 3) == [1, 1, 1])
        #expect(delays(schedule, random: .maximum, failures: 8).last == 3_599)
    }

    @Test("decorrelated jitter: never sooner than 60 s, growing to the cap and not past it")
    func decorrelatedGrowth() {
        let schedule = RefreshSchedule()
        #expect(delays(schedule, random: FixedRandom(unit: 0), failures: 4) == [60, 60, 60, 60])
        let growing = delays(schedule, random: .maximum, failures: 8)
        #expect(growing.first == 179)
        #expect(zip(growing, growing.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(growing.allSatisfy { $0 >= 60 && $0 <= 3_600 })
        #expect((growing.last ?? 0) >= 3_590)
    }

    @Test("the cap is retry_max", arguments: [BackoffJitter.full, .decorrelated])
    func cap(jitter: BackoffJitter) {
        let schedule = RefreshSchedule(settings: RefreshSettings(retryMax: .seconds(600), backoffJitter: jitter))
        let all = delays(schedule, random: .maximum, failures: 12)
        #expect(all.allSatisfy { $0 <= 600 })
        #expect((all.last ?? 0) >= 590)
    }

    @Test("a retry that would land past validUntil − margin is pulled in before expiry")
    func pullIn() {
        let schedule = RefreshSchedule()
        // A week-long staple expiring in 1 h 10 min: margin 1 h, so the deadline is in 10 min.
        let current = StapleValidity(thisUpdate: now - 7 * 86_400 + 4_200, validUntil: now + 4_200)
        var random = FixedRandom.maximum
        let plan = schedule.retry(afterFailures: 4, previousDelay: 3_000, current: current, now: now, using: &random)
        #expect(plan == RefreshPlan(at: now + 600, reason: .beforeExpiry))

        let soon = schedule.retry(afterFailures: 1, current: current, now: now, using: &random)
        #expect(soon == RefreshPlan(at: now + 179, reason: .backoff))
    }

    @Test("inside the margin, retries land halfway to the expiry")
    func insideMargin() {
        let schedule = RefreshSchedule()
        let current = StapleValidity(thisUpdate: now - 7 * 86_400, validUntil: now + 1_800)
        var random = FixedRandom.maximum
        let plan = schedule.retry(afterFailures: 5, previousDelay: 3_000, current: current, now: now, using: &random)
        #expect(plan == RefreshPlan(at: now + 900, reason: .beforeExpiry))
        #expect(plan.at < current.validUntil)
    }

    @Test("an expired staple or none: plain backoff")
    func nothingToProtect() {
        let schedule = RefreshSchedule()
        let expired = StapleValidity(thisUpdate: now - 86_400, validUntil: now - 1)
        var random = FixedRandom.maximum
        let plan = schedule.retry(afterFailures: 2, previousDelay: 1_000, current: expired, now: now, using: &random)
        #expect(plan == RefreshPlan(at: now + 3_000 - 1, reason: .backoff))
        #expect(schedule.retry(afterFailures: 1, current: nil, now: now, using: &random).reason == .backoff)
    }
}

extension RefreshBackoffTests {
    @Test("a huge previous delay stays capped")
    func hugePreviousDelay() {
        var random = FixedRandom.maximum
        let plan = RefreshSchedule().retry(
            afterFailures: 50, previousDelay: .max, current: nil, now: now, using: &random)
        #expect(plan.at - now <= 3_600)
    }
}
