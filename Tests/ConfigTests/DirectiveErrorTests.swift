import Config
import Testing

/// Errors of directive shape: unknown names, wrong context, argument count, blocks, repeats.
@Suite struct DirectiveErrorTests {
    static let cases: [ErrorCase] = [
        ErrorCase(
            "unknown directive with a suggestion", ConfigFixtures.inFrontend("    listn 0.0.0.0:443;"), at: 8, 5,
            "unknown directive \"listn\" in frontend; did you mean \"listen\"?"),
        ErrorCase(
            "transposed letters are one edit", ConfigFixtures.topLevel("wrokers 2;"), at: 1, 1,
            "unknown directive \"wrokers\" at top level; did you mean \"workers\"?"),
        ErrorCase(
            "suggestion from the block's own directives", ConfigFixtures.inStapling("    cache_dri /var/cache;"),
            at: 2, 5, "unknown directive \"cache_dri\" in stapling; did you mean \"cache_dir\"?"),
        ErrorCase(
            "nginx directive gets the stapled spelling", ConfigFixtures.inFrontend("    ssl_stapling on;"), at: 8, 5,
            "unknown directive \"ssl_stapling\" in frontend; stapling is on by default"),
        ErrorCase(
            "server at top level", ConfigFixtures.topLevel("server 127.0.0.1:80;"), at: 1, 1,
            "\"server\" is not allowed at top level; it goes in upstream blocks"),
        ErrorCase(
            "directive of two other contexts", ConfigFixtures.inUpstream("    connect_timeout 1s;"), at: 2, 5,
            "\"connect_timeout\" is not allowed in upstream; it goes in the stapling block and in frontend blocks"),
        ErrorCase(
            "certificate directive in frontend", ConfigFixtures.inFrontend("    issuer ca.pem;"), at: 8, 5,
            "\"issuer\" is not allowed in frontend; it goes in certificate blocks"),
        ErrorCase(
            "top-level directive in a block", ConfigFixtures.inFrontend("    workers 2;"), at: 8, 5,
            "\"workers\" is not allowed in frontend; it goes at top level"),
        ErrorCase(
            "too many arguments point at the first extra", ConfigFixtures.topLevel("workers 2 3;"), at: 1, 11,
            "\"workers\" takes 1 argument, got 2; syntax: workers auto|N;"),
        ErrorCase(
            "too few arguments point at the terminator", ConfigFixtures.inFrontend("    certificate site.pem;"),
            at: 8, 25, "\"certificate\" takes 2 arguments, got 1"),
        ErrorCase(
            "no argument", ConfigFixtures.topLevel("workers;"), at: 1, 8, "\"workers\" takes 1 argument, got 0"),
        ErrorCase(
            "at least one argument", ConfigFixtures.inFrontend("    alpn;"), at: 8, 9,
            "\"alpn\" takes at least 1 argument, got 0"),
        ErrorCase(
            "bounded argument list", ConfigFixtures.inFrontend("    protocols TLSv1.2 TLSv1.3 TLSv1.3;"), at: 8, 31,
            "\"protocols\" takes 1 to 2 arguments, got 3"),
        ErrorCase(
            "arguments to a block that takes none", ConfigFixtures.topLevel("stapling on {\n}"), at: 1, 10,
            "\"stapling\" takes no arguments, got 1"),
        ErrorCase(
            "block given to a simple directive", ConfigFixtures.topLevel("workers 2 { }"), at: 1, 11,
            "\"workers\" at top level takes no block; syntax: workers auto|N;"),
        ErrorCase(
            "block given to a frontend's upstream", ConfigFixtures.inFrontend("    upstream app { }"), at: 8, 18,
            "\"upstream\" in frontend takes no block; syntax: upstream NAME; "
                + "(\"upstream NAME { server HOST:PORT; ... }\" goes at top level)"),
        ErrorCase(
            "no block given to upstream", ConfigFixtures.topLevel("upstream other;"), at: 1, 15,
            "\"upstream\" at top level needs a block; syntax: upstream NAME { server HOST:PORT; ... }"),
        ErrorCase(
            "stapling on at top level", ConfigFixtures.topLevel("stapling on;"), at: 1, 12,
            "\"stapling\" at top level needs a block; syntax: stapling { ... } "
                + "(\"stapling on|off;\" goes in certificate blocks)"),
        ErrorCase(
            "duplicate mode", ConfigFixtures.inFrontend("    mode tcp;\n    mode tcp;"), at: 9, 5,
            "duplicate \"mode\"; first set at /etc/stapled/stapled.conf:8:5"),
        ErrorCase(
            "a second upstream in a frontend", ConfigFixtures.inFrontend("    upstream app;"), at: 8, 5,
            "duplicate \"upstream\"; first set at /etc/stapled/stapled.conf:6:5"),
        ErrorCase(
            "a second stapling block", "stapling {\n}\nstapling {\n}\n" + ConfigFixtures.minimal, at: 3, 1,
            "duplicate \"stapling\"; first set at /etc/stapled/stapled.conf:1:1"),
        ErrorCase(
            "duplicate top-level setting", ConfigFixtures.topLevel("log_level info; log_level debug;"), at: 1, 17,
            "duplicate \"log_level\"; first set at /etc/stapled/stapled.conf:1:1"),
        ErrorCase(
            "duplicate in a certificate block",
            ConfigFixtures.inCertificate("        issuer a.pem;\n        issuer b.pem;"), at: 9, 9,
            "duplicate \"issuer\"; first set at /etc/stapled/stapled.conf:8:9"),
    ]

    @Test(arguments: cases)
    func directiveError(_ errorCase: ErrorCase) throws {
        try errorCase.check()
    }

    @Test func noSuggestionWhenNothingIsClose() throws {
        let error = try #require(ConfigFixtures.error(parsing: ConfigFixtures.topLevel("frobnicate 1;")))
        #expect(error.message == "unknown directive \"frobnicate\" at top level")
        #expect(error.location == ConfigFixtures.location(1, 1))
    }

    @Test func repeatableDirectivesMayRepeat() throws {
        let config = try ConfigFixtures.parse(
            ConfigFixtures.inFrontend("    listen 127.0.0.1:0;\n    certificate other.pem other.key;"))
        let frontend = try #require(config.frontends.first)
        #expect(frontend.listens.count == 2)
        #expect(frontend.certificates.map(\.chainPath) == ["/etc/stapled/site.pem", "/etc/stapled/other.pem"])
    }
}
