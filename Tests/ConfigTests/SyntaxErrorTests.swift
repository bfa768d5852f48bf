import Config
import Testing

/// Errors of the lexer and parser: each names the offending token's exact line and column.
@Suite struct SyntaxErrorTests {
    static let cases: [ErrorCase] = [
        ErrorCase(
            "unterminated double-quoted string", ConfigFixtures.topLevel("user \"stapled;"), at: 1, 6,
            "unterminated string: missing closing \""),
        ErrorCase(
            "unterminated single-quoted string", ConfigFixtures.topLevel("group 'stapled;"), at: 1, 7,
            "unterminated string: missing closing '"),
        ErrorCase(
            "unexpected close brace at top level", "workers 2;\n}\n" + ConfigFixtures.minimal, at: 2, 1,
            "unexpected '}': no block is open here"),
        ErrorCase(
            "missing semicolon at end of file", ConfigFixtures.minimal + "workers 2", at: 9, 10,
            "expected ';' after \"workers 2\", got end of file"),
        ErrorCase(
            "missing semicolon before close brace", ConfigFixtures.inStapling("    retry_max 10m"), at: 3, 1,
            "expected ';' after \"retry_max 10m\", got '}'"),
        ErrorCase(
            "end of file inside a block", ConfigFixtures.minimal + "upstream other {\n    server 127.0.0.1:81;\n",
            at: 11, 1,
            "unexpected end of file inside \"upstream other\" block opened at /etc/stapled/stapled.conf:9:16; "
                + "expected '}'"),
        ErrorCase(
            "tabs count as one column", ConfigFixtures.topLevel("\tworkers\t2 3;"), at: 1, 12,
            "\"workers\" takes 1 argument, got 2"),
        ErrorCase(
            "columns count characters, not bytes", ConfigFixtures.topLevel("user \"e\u{301}té\" x;"), at: 1, 12,
            "\"user\" takes 1 argument, got 2"),
        ErrorCase(
            "CRLF line endings count lines", "workers 2;\r\nworkers 3;\r\n" + ConfigFixtures.minimal, at: 2, 1,
            "duplicate \"workers\"; first set at /etc/stapled/stapled.conf:1:1"),
        ErrorCase(
            "unknown escape", ConfigFixtures.topLevel("user \"a\\qb\";"), at: 1, 8, "unknown escape \"\\q\" in string"),
        ErrorCase(
            "backslash at end of line", ConfigFixtures.topLevel("user \"a\\\n\";"), at: 1, 8,
            "backslash at the end of the line"),
        ErrorCase(
            "quote inside a word", ConfigFixtures.topLevel("user ab\"c\";"), at: 1, 8,
            "unexpected quote inside \"ab\""),
        ErrorCase(
            "text glued to a closing quote", ConfigFixtures.topLevel("user \"a\"b;"), at: 1, 9,
            "expected a space, ';', '{' or '}' after the closing quote, got \"b\""),
        ErrorCase(
            "quoted directive name", ConfigFixtures.topLevel("\"workers\" 2;"), at: 1, 1,
            "expected a directive name, got quoted string \"workers\""),
        ErrorCase(
            "stray semicolon", ConfigFixtures.topLevel("workers 2;;"), at: 1, 11,
            "unexpected ';': expected a directive name"),
        ErrorCase(
            "block without a directive name", ConfigFixtures.topLevel("{ }"), at: 1, 1,
            "unexpected '{': a block needs a directive name"),
        ErrorCase(
            "control character", ConfigFixtures.topLevel("workers\u{01} 2;"), at: 1, 8,
            "unexpected control character U+0001"),
    ]

    @Test(arguments: cases)
    func syntaxError(_ errorCase: ErrorCase) throws {
        try errorCase.check()
    }

    @Test func descriptionIsFileLineColumnMessage() throws {
        let error = try #require(ConfigFixtures.error(parsing: "workers 2"))
        #expect(
            error.description == "/etc/stapled/stapled.conf:1:10: expected ';' after \"workers 2\", got end of file")
    }

    @Test func deeplyNestedBlocksAreRejectedWithoutExhaustingTheStack() throws {
        let text = String(repeating: "a {\n", count: 10_000)
        let error = try #require(ConfigFixtures.error(parsing: text))
        #expect(error.message.contains("nested more than 16 levels"))
        #expect(error.location == ConfigFixtures.location(17, 3))
    }

    @Test func byteOrderMarkIsIgnoredAndTakesNoColumn() throws {
        let config = try ConfigFixtures.parse("\u{FEFF}workers 3;\n" + ConfigFixtures.minimal)
        #expect(config.workers == .count(3))
        let error = try #require(ConfigFixtures.error(parsing: "\u{FEFF}workers 3 4;\n" + ConfigFixtures.minimal))
        #expect(error.location == ConfigFixtures.location(1, 11))
    }

    @Test func commentsEndAtTheLineAndCanHideEverything() throws {
        let text = "# workers 2 {\n" + ConfigFixtures.minimal.replacing("127.0.0.1:8080;", with: "127.0.0.1:8080; # }")
        let config = try ConfigFixtures.parse(text)
        #expect(config.workers == .auto)
        #expect(config.upstreams.first?.servers.map(\.value.address) == [HostPort(host: "127.0.0.1", port: 8080)])
    }
}
