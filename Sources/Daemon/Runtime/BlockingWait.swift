import Dispatch
import Synchronization

/// Blocks the calling (non-async) thread until async work finishes or a timeout passes: the
/// control loop's bridge to the stapling engine actor.
enum BlockingWait {
    /// True when `work` finished in time. With `interval`, `tick` runs on the calling thread every
    /// `interval` seconds while it waits (systemd's watchdog must not starve during a long wait).
    static func run(
        timeout seconds: Double, tickEvery interval: Double? = nil, tick: () -> Void = {},
        _ work: @escaping @Sendable () async -> Void
    ) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        let deadline = DispatchTime.now() + seconds
        guard let interval, interval > 0 else { return done.wait(timeout: deadline) == .success }
        while true {
            let slice = min(deadline, .now() + interval)
            if done.wait(timeout: slice) == .success { return true }
            if slice >= deadline { return false }
            tick()
        }
    }

    /// The value of `work`, or nil when it did not finish in time.
    static func value<T: Sendable>(
        timeout seconds: Double, tickEvery interval: Double? = nil, tick: () -> Void = {},
        _ work: @escaping @Sendable () async -> T
    ) -> T? {
        let box = Mutex<T?>(nil)
        let finished = run(timeout: seconds, tickEvery: interval, tick: tick) {
            let value = await work()
            box.withLock { $0 = value }
        }
        return finished ? box.withLock { $0 } : nil
    }
}
