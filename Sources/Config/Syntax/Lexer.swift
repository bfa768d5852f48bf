/// Splits config text into tokens, tracking 1-based line and column (in characters) of each.
///
/// The rules: whitespace separates tokens; `;`, `{` and `}` are tokens of their own; `#` starts
/// a comment to the end of the line where a token could start (inside a word it is an ordinary
/// character, so `http://host/#x` stays one word); `"..."` strings know the escapes `\"`, `\\`
/// and `\n`; `'...'` strings are taken literally. Strings end on the line they start on.
struct Lexer {
    private let characters: [Character]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1

    init(text: String, file: String) {
        // A byte order mark some editors write is not part of the first directive's name.
        self.characters = Array(text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text))
        self.file = file
    }

    /// All tokens of the text, ending with exactly one `.endOfFile`.
    static func tokenize(_ text: String, file: String) throws(ConfigError) -> [Token] {
        var lexer = Lexer(text: text, file: file)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .endOfFile { return tokens }
        }
    }

    private var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }
    private var current: Character? { index < characters.count ? characters[index] : nil }

    private mutating func advance() {
        guard let character = current else { return }
        index += 1
        if character.isNewline {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    /// The next token, skipping whitespace and comments.
    mutating func next() throws(ConfigError) -> Token {
        try skipWhitespaceAndComments()
        let start = location
        guard let character = current else { return Token(kind: .endOfFile, location: start) }
        switch character {
        case ";":
            advance()
            return Token(kind: .semicolon, location: start)
        case "{":
            advance()
            return Token(kind: .openBrace, location: start)
        case "}":
            advance()
            return Token(kind: .closeBrace, location: start)
        case "\"", "'":
            return Token(kind: .quoted(try quotedString()), location: start)
        default:
            return Token(kind: .word(try word()), location: start)
        }
    }

    private mutating func skipWhitespaceAndComments() throws(ConfigError) {
        while let character = current {
            if character == "#" {
                while let inComment = current, !inComment.isNewline { advance() }
            } else if character.isWhitespace {
                advance()
            } else if Self.isForbiddenControl(character) {
                throw controlCharacterError(character)
            } else {
                return
            }
        }
    }

    private mutating func word() throws(ConfigError) -> String {
        var text = ""
        while let character = current {
            if character.isWhitespace || character == ";" || character == "{" || character == "}" { break }
            if character == "\"" || character == "'" {
                throw ConfigError(
                    "unexpected quote inside \"\(text)\"; quote the whole argument or separate it with a space",
                    at: location)
            }
            if Self.isForbiddenControl(character) { throw controlCharacterError(character) }
            text.append(character)
            advance()
        }
        return text
    }

    private mutating func quotedString() throws(ConfigError) -> String {
        let start = location
        guard let quote = current else { return "" }
        advance()
        var text = ""
        while true {
            guard let character = current, !character.isNewline else {
                throw ConfigError(
                    "unterminated string: missing closing \(quote) before the end of the line", at: start)
            }
            if character == quote {
                advance()
                break
            }
            if character == "\\" && quote == "\"" {
                text.append(try escapeSequence())
                continue
            }
            if Self.isForbiddenControl(character) { throw controlCharacterError(character) }
            text.append(character)
            advance()
        }
        if let after = current, !(after.isWhitespace || after == ";" || after == "{" || after == "}" || after == "#") {
            throw ConfigError(
                "expected a space, ';', '{' or '}' after the closing quote, got \"\(after)\"", at: location)
        }
        return text
    }

    /// Reads `\"`, `\\` or `\n` at the current backslash.
    private mutating func escapeSequence() throws(ConfigError) -> Character {
        let start = location
        advance()
        switch current {
        case "\"":
            advance()
            return "\""
        case "\\":
            advance()
            return "\\"
        case "n":
            advance()
            return "\n"
        case .some(let other) where !other.isNewline:
            throw ConfigError(
                "unknown escape \"\\\(other)\" in string; double-quoted strings know \\\", \\\\ and \\n "
                    + "(single-quoted strings are taken literally)",
                at: start)
        default:
            throw ConfigError("unterminated string: backslash at the end of the line", at: start)
        }
    }

    private static func isForbiddenControl(_ character: Character) -> Bool {
        guard character != "\t", !character.isNewline else { return false }
        return character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    private func controlCharacterError(_ character: Character) -> ConfigError {
        let value = character.unicodeScalars.first.map { $0.value } ?? 0
        return ConfigError("unexpected control character \(Self.scalarName(value))", at: location)
    }

    private static func scalarName(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
