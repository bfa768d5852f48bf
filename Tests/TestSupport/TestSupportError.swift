#if canImport(Glibc)
    import Glibc
#endif

/// A failure inside the test harness, carrying what a reader of a failed CI log needs: what was
/// being done, why it failed, and (for processes) the tail of the child's output.
public struct TestSupportError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A child process could not be started.
        case spawnFailed
        /// A deadline passed before the awaited event.
        case timedOut
        /// A child process exited while something was still expected from it.
        case exitedEarly
        /// A one-shot command exited with a non-zero status.
        case commandFailed
        /// A system call failed.
        case systemCall
        /// An OpenSSL call failed (the error queue is in `detail`).
        case openSSL
        /// A peer did not behave as the protocol requires.
        case protocolViolation
        /// A file or executable that should exist does not.
        case notFound
    }

    public var code: Code
    /// The operation that failed, e.g. `waitForOutput("ACCEPT")` or `openssl ca`.
    public var operation: String
    /// Why it failed, and any output that helps.
    public var detail: String

    public init(_ code: Code, _ operation: String, _ detail: String) {
        self.code = code
        self.operation = operation
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(operation): \(detail)" }

    /// A failed system call, with `errno` turned into text.
    static func systemCall(_ operation: String, errno error: Int32 = errno) -> TestSupportError {
        TestSupportError(.systemCall, operation, "\(String(cString: strerror(error))) (errno \(error))")
    }
}
