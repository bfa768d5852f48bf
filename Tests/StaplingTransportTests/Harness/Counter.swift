import Synchronization

/// A thread-safe counter for closures the client or a server thread calls.
final class Counter: Sendable {
    private let count = Mutex(0)
    private let peak = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }

    var value: Int { count.withLock { $0 } }

    /// Counts one more holder and records the highest count seen; pair with `leave()`.
    func enter() {
        let now = count.withLock { value -> Int in
            value += 1
            return value
        }
        peak.withLock { $0 = max($0, now) }
    }

    func leave() { count.withLock { $0 -= 1 } }

    /// The highest count `enter()` reached.
    var maximum: Int { peak.withLock { $0 } }
}
