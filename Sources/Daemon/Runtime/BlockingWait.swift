import Dispatch
import Synchronization

/// Blocks the calling (non-async) thread until async work finishes or a timeout passes: the
/// control loop's bridge to the stapling engine actor.
enum BlockingWait {
    /// True when `work` finished in time.
    static func run(timeout seconds: Double, _ work: @escaping @Sendable () async -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        return done.wait(timeout: .now() + seconds) == .success
    }

    /// The value of `work`, or nil when it did not finish in time.
    static func value<T: Sendable>(timeout seconds: Double, _ work: @escaping @Sendable () async -> T) -> T? {
        let box = Mutex<T?>(nil)
        let finished = run(timeout: seconds) {
            let value = await work()
            box.withLock { $0 = value }
        }
        return finished ? box.withLock { $0 } : nil
    }
}
