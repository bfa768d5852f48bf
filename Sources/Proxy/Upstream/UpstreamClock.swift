import Glibc
import Synchronization

/// The time source of failure detection: monotonic nanoseconds, shared by every worker (libev's
/// `ev_now` is per loop and follows the wall clock). Tests substitute a clock they advance.
public struct UpstreamClock: Sendable {
    private let read: @Sendable () -> Int64

    public init(_ read: @escaping @Sendable () -> Int64) { self.read = read }

    /// Nanoseconds on this clock.
    public var now: Int64 { read() }

    /// `CLOCK_MONOTONIC` (a vDSO call, no syscall).
    public static let monotonic = UpstreamClock {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Seconds as nanoseconds of this clock.
    @inline(__always)
    static func nanoseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }
}

/// A clock that moves only when told: for tests of failure windows without waiting.
public final class ManualUpstreamClock: Sendable {
    private let time: Atomic<Int64>

    public init(start: Int64 = 1_000_000_000) { time = Atomic(start) }

    public var clock: UpstreamClock { UpstreamClock { [self] in self.time.load(ordering: .relaxed) } }

    public func advance(seconds: Double) {
        time.add(UpstreamClock.nanoseconds(seconds), ordering: .relaxed)
    }
}
