/// Turns tokens into a tree of `Directive`s; knows the grammar, not the directives.
///
/// ```
/// file      := directive* EOF
/// directive := WORD argument* ( ';' | '{' directive* '}' )
/// argument  := WORD | QUOTED
/// ```
struct Parser {
    /// Deeper nesting than any valid config has; stops a hostile file from exhausting the stack.
    static let maximumDepth = 16

    private let tokens: [Token]
    private var index = 0
    private var depth = 0

    private init(tokens: [Token]) { self.tokens = tokens }

    /// The top-level directives of `text`.
    static func parse(_ text: String, file: String) throws(ConfigError) -> [Directive] {
        var parser = Parser(tokens: try Lexer.tokenize(text, file: file))
        return try parser.directives(until: nil)
    }

    private var current: Token { tokens[min(index, tokens.count - 1)] }

    /// Directives until the `}` that closes `enclosing`, or until end of file at top level.
    private mutating func directives(until enclosing: Directive?) throws(ConfigError) -> [Directive] {
        var result: [Directive] = []
        while true {
            let token = current
            switch token.kind {
            case .word(let name):
                index += 1
                result.append(try directive(named: name, at: token.location))
            case .closeBrace:
                guard enclosing != nil else {
                    throw ConfigError("unexpected '}': no block is open here", at: token.location)
                }
                index += 1
                return result
            case .endOfFile:
                if let enclosing, let block = enclosing.block {
                    throw ConfigError(
                        "unexpected end of file inside \"\(enclosing.excerpt)\" block opened at "
                            + "\(block.openLocation); expected '}'",
                        at: token.location)
                }
                return result
            case .quoted(let text):
                throw ConfigError(
                    "expected a directive name, got quoted string \"\(text)\"; directive names are not quoted",
                    at: token.location)
            case .semicolon:
                throw ConfigError("unexpected ';': expected a directive name", at: token.location)
            case .openBrace:
                throw ConfigError("unexpected '{': a block needs a directive name before it", at: token.location)
            }
        }
    }

    private mutating func directive(named name: String, at location: SourceLocation) throws(ConfigError) -> Directive {
        var directive = Directive(
            name: name, location: location, arguments: [], block: nil, terminatorLocation: location)
        while true {
            let token = current
            switch token.kind {
            case .word(let text):
                directive.arguments.append(Argument(value: text, location: token.location, wasQuoted: false))
                index += 1
            case .quoted(let text):
                directive.arguments.append(Argument(value: text, location: token.location, wasQuoted: true))
                index += 1
            case .semicolon:
                directive.terminatorLocation = token.location
                index += 1
                return directive
            case .openBrace:
                directive.terminatorLocation = token.location
                directive.block = Block(directives: [], openLocation: token.location)
                guard depth < Self.maximumDepth else {
                    throw ConfigError("blocks nested more than \(Self.maximumDepth) levels deep", at: token.location)
                }
                index += 1
                depth += 1
                let body = try directives(until: directive)
                depth -= 1
                directive.block?.directives = body
                return directive
            case .closeBrace, .endOfFile:
                throw ConfigError(
                    "expected ';' after \"\(directive.excerpt)\", got \(token.displayName)", at: token.location)
            }
        }
    }
}
