import Glibc

/// A point in time an I/O step must finish by, turned into `poll(2)` timeouts.
struct TransportDeadline {
    let instant: ContinuousClock.Instant

    init(_ instant: ContinuousClock.Instant) { self.instant = instant }

    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// The earlier of the two deadlines.
    func capped(at other: TransportDeadline) -> TransportDeadline {
        instant <= other.instant ? self : other
    }

    /// Milliseconds left, rounded up so that a wait never ends just before the deadline; 0 once it passed.
    var remainingMilliseconds: Int32 {
        let left = instant - ContinuousClock.now
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    /// Waits until `fd` is ready for `events` (`POLLIN`/`POLLOUT`) or the deadline passes.
    /// Returns `false` on timeout. Errors and hang-ups count as ready: the next call reports them.
    func wait(for fd: Int32, events: Int16) -> Bool {
        while true {
            let timeout = remainingMilliseconds
            if timeout == 0 { return false }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, timeout)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }
        }
    }
}
