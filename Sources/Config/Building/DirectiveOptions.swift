/// The `key=value` and flag arguments that follow a directive's positional arguments, as in
/// `server 10.0.0.1:80 weight=2 backup`: each known, each at most once, in any order.
struct DirectiveOptions {
    private let directive: Directive
    private var given: [String: Argument] = [:]

    /// Reads `directive.arguments[first...]`; `valued` keys need `=VALUE`, `flags` take none.
    init(_ directive: Directive, from first: Int, valued: [String], flags: [String] = []) throws(ConfigError) {
        self.directive = directive
        let known = valued + flags
        for argument in directive.arguments.dropFirst(first) {
            let key = Self.key(of: argument.value)
            guard known.contains(key) else {
                _ = try argument.parsed(for: directive) { (_) throws(ValueError) -> Void in
                    var reason = "unknown parameter \"\(key)\""
                    if let suggestion = EditDistance.suggestion(for: key, among: known) {
                        reason += "; did you mean \"\(suggestion)\"?"
                    } else {
                        reason += "; expected \(known.joined(separator: ", "))"
                    }
                    throw ValueError(reason)
                }
                continue
            }
            if given[key] != nil {
                throw ConfigError("\"\(key)\" is given twice in \"\(directive.name)\"", at: argument.location)
            }
            let hasValue = argument.value.contains("=")
            if flags.contains(key) && hasValue {
                throw ConfigError(
                    "invalid \"\(directive.name)\" value \"\(argument.value)\": \"\(key)\" takes no value",
                    at: argument.location)
            }
            if valued.contains(key) && !hasValue {
                throw ConfigError(
                    "invalid \"\(directive.name)\" value \"\(argument.value)\": expected \(key)=VALUE",
                    at: argument.location)
            }
            given[key] = argument
        }
    }

    /// Whether the flag `key` was given.
    func flag(_ key: String) -> Bool { given[key] != nil }

    /// The argument that set `key`, for errors that involve two options.
    func argument(_ key: String) -> Argument? { given[key] }

    /// The value of `key` parsed by `parse` (errors point at that argument), or nil when not given.
    func value<Value>(_ key: String, _ parse: (String) throws(ValueError) -> Value) throws(ConfigError) -> Value? {
        guard let argument = given[key] else { return nil }
        return try argument.parsed(for: directive) { (text) throws(ValueError) in
            try parse(String(text.dropFirst(key.count + 1)))
        }
    }

    /// A DURATION value greater than 0.
    func positiveDuration(_ key: String) throws(ConfigError) -> Duration? {
        try value(key) { (text) throws(ValueError) in
            let duration = try DurationSyntax.parse(text)
            guard duration > .zero else { throw ValueError("\(key) must be greater than 0") }
            return duration
        }
    }

    /// An integer value in `range`.
    func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        try value(key) { (text) throws(ValueError) in try NumberSyntax.integer(text, in: range) }
    }

    private static func key(of text: String) -> String {
        String(text.prefix { $0 != "=" })
    }
}
