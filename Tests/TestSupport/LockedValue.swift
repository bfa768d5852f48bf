import Synchronization

/// A `Mutex` in a class, so closures running on other threads can share it by reference.
final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }

    var value: Value { mutex.withLock { $0 } }
}
