import Config
import Testing

/// Errors that span blocks: names, references, required directives, listen addresses.
@Suite struct ReferenceErrorTests {
    static func frontendReferencing(_ upstream: String) -> String {
        ConfigFixtures.minimal.replacing("upstream app;", with: "upstream \(upstream);")
    }

    static let cases: [ErrorCase] = [
        ErrorCase(
            "duplicate upstream name", ConfigFixtures.minimal + "upstream app {\n    server 127.0.0.1:81;\n}",
            at: 9, 10, "duplicate upstream name \"app\"; first declared at /etc/stapled/stapled.conf:1:10"),
        ErrorCase(
            "duplicate frontend name",
            ConfigFixtures.minimal
                + "frontend web {\n    listen 127.0.0.1:0;\n    upstream app;\n    certificate a.pem a.key;\n}",
            at: 9, 10, "duplicate frontend name \"web\"; first declared at /etc/stapled/stapled.conf:4:10"),
        ErrorCase(
            "unknown upstream with a suggestion", frontendReferencing("ap"), at: 6, 14,
            "unknown upstream \"ap\" in frontend \"web\"; did you mean \"app\"?"),
        ErrorCase(
            "unknown upstream lists the declared ones", frontendReferencing("backend"), at: 6, 14,
            "unknown upstream \"backend\" in frontend \"web\"; declared upstreams: app"),
        ErrorCase(
            "frontend without listen",
            "upstream app {\n    server 127.0.0.1:8080;\n}\nfrontend web {\n    upstream app;\n"
                + "    certificate site.pem site.key;\n}\n",
            at: 4, 10, "frontend \"web\" has no \"listen\""),
        ErrorCase(
            "frontend without upstream",
            "upstream app {\n    server 127.0.0.1:8080;\n}\nfrontend web {\n    listen 127.0.0.1:0;\n"
                + "    certificate site.pem site.key;\n}\n",
            at: 4, 10, "frontend \"web\" has no \"upstream\""),
        ErrorCase(
            "frontend without certificate",
            "upstream app {\n    server 127.0.0.1:8080;\n}\nfrontend web {\n    listen 127.0.0.1:0;\n"
                + "    upstream app;\n}\n",
            at: 4, 10, "frontend \"web\" has no \"certificate\""),
        ErrorCase(
            "upstream without servers", "upstream empty {\n}\n" + ConfigFixtures.minimal, at: 1, 10,
            "upstream \"empty\" has no servers"),
        ErrorCase("no frontend", "workers 2;\n", at: 1, 1, "no frontend is configured"),
        ErrorCase("empty file", "", at: 1, 1, "no frontend is configured"),
        ErrorCase(
            "same listen address in two frontends",
            ConfigFixtures.minimal.replacing("127.0.0.1:0", with: "0.0.0.0:443")
                + "frontend other {\n    listen *:443;\n    upstream app;\n    certificate a.pem a.key;\n}\n",
            at: 10, 12,
            "0.0.0.0:443 is already a listen address of frontend \"web\" at /etc/stapled/stapled.conf:5:12"),
        ErrorCase(
            "same IPv6 address spelled two ways",
            ConfigFixtures.inFrontend("    listen [::]:443;\n    listen [0:0::0]:443;"), at: 9, 12,
            "is already a listen address of frontend \"web\" at /etc/stapled/stapled.conf:8:12"),
    ]

    @Test(arguments: cases)
    func referenceError(_ errorCase: ErrorCase) throws {
        try errorCase.check()
    }

    @Test func upstreamMayBeDeclaredAfterTheFrontendThatNamesIt() throws {
        let text = """
            frontend web {
                listen 127.0.0.1:0;
                upstream app;
                certificate site.pem site.key;
            }
            upstream app {
                server 127.0.0.1:8080;
            }
            """
        let config = try ConfigFixtures.parse(text)
        #expect(config.frontends.first?.upstream == Located("app", at: ConfigFixtures.location(3, 14)))
        #expect(config.upstream(named: "app")?.servers.count == 1)
    }

    @Test func port0MayRepeatBecauseTheKernelPicksEachPort() throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.inFrontend("    listen 127.0.0.1:0;"))
        #expect(config.frontends.first?.listens.map(\.value.port) == [0, 0])
    }
}
