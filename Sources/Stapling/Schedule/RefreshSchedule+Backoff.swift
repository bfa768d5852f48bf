extension RefreshSchedule {
    /// When to retry after `failures` consecutive failed fetches (1 for the first).
    ///
    /// The delay grows exponentially from `retryBase` up to `retryMax`, randomized by
    /// `settings.backoffJitter`; `previousDelay` (seconds) is the delay chosen after the previous
    /// failure, which decorrelated jitter grows from. While a staple is held (`current`), the retry
    /// is pulled in so that it happens before `validUntil − margin`, or, inside the margin, halfway
    /// to the expiry: the last good staple is never lost to a backoff that sleeps through it.
    public func retry<Random: RandomNumberGenerator>(
        afterFailures failures: Int, previousDelay: Int64? = nil, current: StapleValidity?, now: Int64,
        using random: inout Random
    ) -> RefreshPlan {
        let base = max(1, Self.seconds(settings.retryBase))
        let cap = max(base, Self.seconds(settings.retryMax))
        let delay: Int64
        switch settings.backoffJitter {
        case .full:
            let doublings = min(max(failures - 1, 0), 62)
            let ceiling = base > cap >> Int64(doublings) ? cap : base << Int64(doublings)
            delay = max(1, Int64((unit(&random) * Double(ceiling)).rounded(.down)))
        case .decorrelated:
            let upper = max(base, min(cap, 3 * min(previousDelay ?? base, cap)))
            delay = min(cap, base + Int64((unit(&random) * Double(upper - base)).rounded(.down)))
        }

        guard let current, current.validUntil > now else {
            return RefreshPlan(at: now + delay, reason: .backoff)
        }
        let deadline = current.validUntil - margin(for: current)
        if now + delay <= deadline {
            return RefreshPlan(at: now + delay, reason: .backoff)
        }
        if deadline > now {
            return RefreshPlan(at: deadline, reason: .beforeExpiry)
        }
        let halfway = max(1, (current.validUntil - now) / 2)
        return RefreshPlan(at: now + min(delay, halfway), reason: .beforeExpiry)
    }
}
