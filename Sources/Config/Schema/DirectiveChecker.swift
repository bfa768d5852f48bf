/// Checks each directive of one block against the schema of its context: known here, the right
/// number of arguments, a block exactly when one is expected, and not repeated when it must be
/// unique. What the arguments mean is left to the block builders.
struct DirectiveChecker {
    let context: ConfigContext
    private var firstOccurrence: [String: SourceLocation] = [:]

    init(context: ConfigContext) { self.context = context }

    /// Checks every directive of `directives` in file order, then hands each to `body`.
    static func forEach(
        _ directives: [Directive], in context: ConfigContext,
        _ body: (Directive) throws(ConfigError) -> Void
    ) throws(ConfigError) {
        var checker = DirectiveChecker(context: context)
        for directive in directives {
            try checker.check(directive)
            try body(directive)
        }
    }

    mutating func check(_ directive: Directive) throws(ConfigError) {
        guard let spec = context.spec(named: directive.name) else { throw unknownDirectiveError(directive) }
        try checkBlock(directive, spec)
        try checkArgumentCount(directive, spec)
        if !spec.repeatable {
            if let first = firstOccurrence[directive.name] {
                throw ConfigError("duplicate \"\(directive.name)\"; first set at \(first)", at: directive.location)
            }
            firstOccurrence[directive.name] = directive.location
        }
    }

    private func checkBlock(_ directive: Directive, _ spec: DirectiveSpec) throws(ConfigError) {
        switch (spec.block, directive.block) {
        case (.forbidden, .some(let block)):
            var message = "\"\(directive.name)\" \(context.phrase) takes no block; syntax: \(spec.syntax)"
            if let other = Self.otherForm(of: directive.name, outside: context, { $0 != .forbidden }) {
                message += " (\"\(other.spec.syntax)\" goes \(other.context.destination))"
            }
            throw ConfigError(message, at: block.openLocation)
        case (.required, .none):
            var message = "\"\(directive.name)\" \(context.phrase) needs a block; syntax: \(spec.syntax)"
            if let other = Self.otherForm(of: directive.name, outside: context, { $0 != .required }) {
                message += " (\"\(other.spec.syntax)\" goes \(other.context.destination))"
            }
            throw ConfigError(message, at: directive.terminatorLocation)
        default:
            break
        }
    }

    private func checkArgumentCount(_ directive: Directive, _ spec: DirectiveSpec) throws(ConfigError) {
        let count = directive.arguments.count
        guard !spec.arguments.contains(count) else { return }
        let message = "\"\(directive.name)\" \(spec.argumentCountPhrase), got \(count); syntax: \(spec.syntax)"
        if count > spec.arguments.upperBound {
            throw ConfigError(message, at: directive.arguments[spec.arguments.upperBound].location)
        }
        throw ConfigError(message, at: directive.terminatorLocation)
    }

    private func unknownDirectiveError(_ directive: Directive) -> ConfigError {
        let name = directive.name
        let elsewhere = ConfigContext.allCases.filter { $0 != context && $0.spec(named: name) != nil }
        if !elsewhere.isEmpty {
            let places = elsewhere.map(\.destination).joined(separator: " and ")
            return ConfigError(
                "\"\(name)\" is not allowed \(context.phrase); it goes \(places)", at: directive.location)
        }
        var message = "unknown directive \"\(name)\" \(context.phrase)"
        if let suggestion = EditDistance.suggestion(for: name, among: context.directives.map(\.name)) {
            message += "; did you mean \"\(suggestion)\"?"
        } else if let hint = ForeignDirectiveHints.hint(for: name) {
            message += "; \(hint)"
        }
        return ConfigError(message, at: directive.location)
    }

    /// The same name in another context whose block use matches: `stapling on|off;` in a
    /// certificate block when `stapling;` at top level lacks its block.
    private static func otherForm(
        of name: String, outside context: ConfigContext, _ matches: (DirectiveSpec.BlockUse) -> Bool
    ) -> (context: ConfigContext, spec: DirectiveSpec)? {
        for other in ConfigContext.allCases where other != context {
            if let spec = other.spec(named: name), matches(spec.block) { return (other, spec) }
        }
        return nil
    }
}
