/// The cache directory cannot be used, or a staple cannot be written or removed: what failed, on
/// which path, and the system's reason.
public struct StapleCacheError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The directory cannot be created, is not a directory, or is not writable.
        case directoryUnusable
        case writeFailed
        case removeFailed
    }

    public var code: Code
    /// The system call or step that failed (`mkdir`, `fsync`, `rename`...).
    public var operation: String
    public var path: String
    /// `strerror` text, or a sentence.
    public var message: String

    public init(_ code: Code, operation: String, path: String, message: String) {
        self.code = code
        self.operation = operation
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(operation): \(message)" }
}
