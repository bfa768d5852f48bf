import Foundation
import Synchronization

/// Blocking work on a thread of its own (not one of Swift concurrency's few pool threads, which a
/// long blocking transfer would starve), whose result the test collects with a deadline.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    let name: String

    init(name: String, _ work: @escaping @Sendable () throws -> Value) {
        self.name = name
        let thread = Thread { [self] in
            let result = Result { try work() }
            outcome.withLock { $0 = result }
        }
        thread.name = name
        thread.start()
    }

    /// The work's value (or its error), waiting at most `timeout` for it to finish.
    func wait(timeout: Duration) throws -> Value {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let result = outcome.withLock({ $0 }) { return try result.get() }
            guard ContinuousClock.now < deadline else {
                throw BackgroundWorkTimedOut(name: name, timeout: timeout)
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}

struct BackgroundWorkTimedOut: Error, CustomStringConvertible {
    var name: String
    var timeout: Duration
    var description: String { "\(name) did not finish within \(timeout)" }
}
