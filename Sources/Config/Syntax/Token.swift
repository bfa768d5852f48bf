/// One lexical unit of a config file, with the location of its first character.
struct Token: Sendable, Equatable {
    /// What the token is; words and strings carry their (unescaped) text.
    enum Kind: Sendable, Equatable {
        /// A bare word: `workers`, `10s`, `/etc/stapled/site.pem`.
        case word(String)
        /// A single- or double-quoted string, escapes already applied.
        case quoted(String)
        case semicolon
        case openBrace
        case closeBrace
        case endOfFile
    }

    var kind: Kind
    var location: SourceLocation

    /// How the token reads in an error message: `'}'`, `end of file`, `"listen"`.
    var displayName: String {
        switch kind {
        case .word(let text): "\"\(text)\""
        case .quoted(let text): "quoted string \"\(text)\""
        case .semicolon: "';'"
        case .openBrace: "'{'"
        case .closeBrace: "'}'"
        case .endOfFile: "end of file"
        }
    }
}
