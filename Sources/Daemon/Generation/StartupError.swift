import Config

/// Why a config could not be turned into a running generation, located at the directive involved.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public var location: SourceLocation?
    public var message: String

    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String { location.map { "\($0): \(message)" } ?? message }
}
