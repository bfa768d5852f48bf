/// Why an argument's text is not a valid value; the caller adds the directive and the location.
struct ValueError: Error, Sendable, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension Argument {
    /// The argument parsed by `parse`, or a `ConfigError` at this argument that names the directive,
    /// the text and the reason: `invalid "workers" value "x": expected auto or a number from 1 to 1024`.
    func parsed<Value>(
        for directive: Directive,
        _ parse: (String) throws(ValueError) -> Value
    ) throws(ConfigError) -> Value {
        do {
            return try parse(value)
        } catch {
            throw ConfigError("invalid \"\(directive.name)\" value \"\(value)\": \(error.reason)", at: location)
        }
    }
}
