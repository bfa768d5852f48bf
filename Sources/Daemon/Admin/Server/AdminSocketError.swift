import Glibc

/// The admin socket could not be set up: the operation, the address, and why (errno's text or a
/// plain explanation).
struct AdminSocketError: Error, Sendable, CustomStringConvertible {
    var operation: String
    var address: String
    var reason: String

    init(_ operation: String, address: String, reason: String) {
        self.operation = operation
        self.address = address
        self.reason = reason
    }

    /// With errno's text.
    static func system(_ operation: String, address: String, code: Int32 = errno) -> AdminSocketError {
        AdminSocketError(operation, address: address, reason: String(cString: strerror(code)))
    }

    var description: String { "\(operation) \(address): \(reason)" }
}
