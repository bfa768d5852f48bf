/// A config error an operator can act on: where it is and what was expected there.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    /// `file:line:column: message`, the form editors and `nginx -t` users expect.
    public var description: String { "\(location): \(message)" }
}
