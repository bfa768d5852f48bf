/// One parsed statement: `name arguments... ;` or `name arguments... { directives }`.
///
/// This is syntax only; which directives exist, where, and what their arguments mean is decided
/// by the schema and the block builders.
struct Directive: Sendable, Equatable {
    var name: String
    /// Where the directive name starts; errors about the directive as a whole point here.
    var location: SourceLocation
    var arguments: [Argument]
    /// The `{ ... }` body, if the directive was written with one.
    var block: Block?
    /// Where the `;` or the `{` that ended the argument list is; missing arguments are reported here.
    var terminatorLocation: SourceLocation

    /// The directive as an operator wrote it, for messages: `workers 2`, shortened when long.
    var excerpt: String {
        let text = ([name] + arguments.map(\.displayText)).joined(separator: " ")
        return text.count > 48 ? String(text.prefix(45)) + "..." : text
    }
}

/// One argument of a directive and where it starts.
struct Argument: Sendable, Equatable {
    /// The text with quotes removed and escapes applied.
    var value: String
    var location: SourceLocation
    var wasQuoted: Bool

    var displayText: String { wasQuoted ? "\"\(value)\"" : value }
}

/// The body of a block directive.
struct Block: Sendable, Equatable {
    var directives: [Directive]
    /// Where the `{` is.
    var openLocation: SourceLocation
}
