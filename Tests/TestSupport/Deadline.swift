#if canImport(Glibc)
    import Glibc
#endif

/// A point in time after which a harness wait gives up. Every blocking wait in TestSupport has one,
/// so no test can hang CI (Swift Testing's `.timeLimit` cannot stop a thread blocked in a syscall).
struct Deadline {
    let instant: ContinuousClock.Instant

    init(after timeout: Duration) { instant = ContinuousClock.now.advanced(by: timeout) }

    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Time left, never negative.
    var remaining: Duration { max(.zero, ContinuousClock.now.duration(to: instant)) }
}

/// Sleeps the calling thread (harness code is synchronous by design: it runs from any test).
func sleepThread(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}

extension Duration {
    /// Whole milliseconds, rounded down, for APIs that take them (poll).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// A `timeval` for SO_RCVTIMEO / SO_SNDTIMEO (a zero timeval means "forever", so at least 1 ms).
    var timeval: timeval {
        let ms = Swift.max(milliseconds, 1)
        return Glibc.timeval(tv_sec: Int(ms / 1000), tv_usec: Int((ms % 1000) * 1000))
    }
}
