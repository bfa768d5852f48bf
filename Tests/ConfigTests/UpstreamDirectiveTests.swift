import Config
import Testing

/// `upstream` blocks: server parameters, balancing, keep-alive, health checks and the PROXY
/// protocol; what they parse to and where their errors point.
@Suite struct UpstreamDirectiveTests {
    @Test func everyDirectiveAndParameter() throws {
        let body = """
                server 10.0.0.1:8080 weight=3 max_fails=5 fail_timeout=30s;
                server backup.internal:8080 backup fail_timeout=1500ms;
                server [2001:db8::1]:81 max_fails=0;
                balance least_conn;
                keepalive 32;
                keepalive_timeout 15s;
                health_check http path=/healthz?full=1 interval=10s rise=3 fall=4 timeout=1s;
                send_proxy v2;
            """
        let upstream = try #require(try ConfigFixtures.parse(ConfigFixtures.inUpstream(body)).upstream(named: "other"))
        #expect(
            upstream.servers.map(\.value) == [
                UpstreamServerSpec(
                    HostPort(host: "10.0.0.1", port: 8080), weight: 3, maxFails: 5, failTimeout: .seconds(30)),
                UpstreamServerSpec(
                    HostPort(host: "backup.internal", port: 8080), failTimeout: .milliseconds(1_500), isBackup: true),
                UpstreamServerSpec(HostPort(host: "2001:db8::1", port: 81), maxFails: 0),
            ])
        #expect(upstream.servers.map(\.location) == [2, 3, 4].map { ConfigFixtures.location($0, 12) })
        #expect(upstream.balance == .leastConnections)
        #expect(upstream.keepalive == 32)
        #expect(upstream.keepaliveTimeout == .seconds(15))
        var check = UpstreamHealthCheck(kind: .http(path: "/healthz?full=1"))
        check.interval = .seconds(10)
        check.rise = 3
        check.fall = 4
        check.timeout = .seconds(1)
        #expect(upstream.healthCheck == check)
        #expect(upstream.sendProxy == .v2)
    }

    @Test func defaults() throws {
        let upstream = try #require(try ConfigFixtures.parse(ConfigFixtures.minimal).upstream(named: "app"))
        let server = try #require(upstream.servers.first?.value)
        #expect(server.weight == 1)
        #expect(server.maxFails == 1)
        #expect(server.failTimeout == .seconds(10))
        #expect(!server.isBackup)
        #expect(upstream.balance == .roundRobin)
        #expect(upstream.keepalive == 0)
        #expect(upstream.keepaliveTimeout == .seconds(60))
        #expect(upstream.healthCheck == nil)
        #expect(upstream.sendProxy == nil)
    }

    @Test func healthCheckDefaults() throws {
        let tcp = try ConfigFixtures.parse(ConfigFixtures.inUpstream("    server 10.0.0.1:80;\n    health_check tcp;"))
        let check = try #require(tcp.upstream(named: "other")?.healthCheck)
        #expect(check.kind == .tcp)
        #expect(check.interval == .seconds(5))
        #expect(check.rise == 2)
        #expect(check.fall == 3)
        #expect(check.timeout == .seconds(2))

        let http = try ConfigFixtures.parse(
            ConfigFixtures.inUpstream("    server 10.0.0.1:80;\n    health_check http;"))
        #expect(http.upstream(named: "other")?.healthCheck?.kind == .http(path: "/"))
    }

    @Test(arguments: ProxyProtocolVersion.allCases)
    func sendProxyVersions(_ version: ProxyProtocolVersion) throws {
        let text = ConfigFixtures.inUpstream("    server 10.0.0.1:80;\n    send_proxy \(version.rawValue);")
        #expect(try ConfigFixtures.parse(text).upstream(named: "other")?.sendProxy == version)
    }

    @Test func timeoutMayEqualInterval() throws {
        let text = ConfigFixtures.inUpstream("    server 10.0.0.1:80;\n    health_check tcp interval=1s timeout=1s;")
        #expect(try ConfigFixtures.parse(text).upstream(named: "other")?.healthCheck?.timeout == .seconds(1))
    }

    static func server(_ options: String) -> String { ConfigFixtures.inUpstream("    server 127.0.0.1:80 \(options);") }
    static func directive(_ line: String) -> String {
        ConfigFixtures.inUpstream("    server 127.0.0.1:80;\n    \(line)")
    }

    static let errors: [ErrorCase] = [
        ErrorCase(
            "zero weight", server("weight=0"), at: 2, 25,
            "invalid \"server\" value \"weight=0\": 0 is out of range 1-1000"),
        ErrorCase("weight not a number", server("weight=x"), at: 2, 25, "expected a whole number from 1 to 1000"),
        ErrorCase(
            "misspelled parameter", server("wieght=2"), at: 2, 25,
            "unknown parameter \"wieght\"; did you mean \"weight\"?"),
        ErrorCase(
            "unknown parameter", server("slow_start=30s"), at: 2, 25,
            "unknown parameter \"slow_start\"; expected weight, max_fails, fail_timeout, backup"),
        ErrorCase("backup with a value", server("backup=yes"), at: 2, 25, "\"backup\" takes no value"),
        ErrorCase("weight without a value", server("weight"), at: 2, 25, "expected weight=VALUE"),
        ErrorCase("parameter twice", server("weight=2 weight=3"), at: 2, 34, "\"weight\" is given twice in \"server\""),
        ErrorCase("zero fail timeout", server("fail_timeout=0"), at: 2, 25, "fail_timeout must be greater than 0"),
        ErrorCase("bad fail timeout", server("fail_timeout=10x"), at: 2, 25, "unknown unit \"x\""),
        ErrorCase("too many max fails", server("max_fails=1001"), at: 2, 25, "1001 is out of range 0-1000"),
        ErrorCase(
            "too many arguments", server("backup weight=1 max_fails=1 fail_timeout=1s x"), at: 2, 69,
            "\"server\" takes 1 to 5 arguments, got 6"),
        ErrorCase(
            "only backup servers", ConfigFixtures.inUpstream("    server 127.0.0.1:80 backup;"), at: 1, 10,
            "upstream \"other\" has only backup servers; at least one server must not be \"backup\""),
        ErrorCase(
            "unknown balance", directive("balance random;"), at: 3, 13,
            "invalid \"balance\" value \"random\": expected round_robin or least_conn"),
        ErrorCase(
            "negative keepalive", directive("keepalive -1;"), at: 3, 15, "expected a whole number from 0 to 65535"),
        ErrorCase("zero keepalive timeout", directive("keepalive_timeout 0;"), at: 3, 23, "must be greater than 0"),
        ErrorCase(
            "unknown health check", directive("health_check udp;"), at: 3, 18,
            "invalid \"health_check\" value \"udp\": expected tcp or http"),
        ErrorCase(
            "path with a tcp check", directive("health_check tcp path=/x;"), at: 3, 22,
            "\"path\" applies to \"health_check http\" only"),
        ErrorCase(
            "relative check path", directive("health_check http path=health;"), at: 3, 23,
            "a path starts with / and has no spaces or control characters"),
        ErrorCase(
            "check timeout above the default interval", directive("health_check http timeout=10s;"), at: 3, 23,
            "health_check timeout (10s) is greater than its interval (5s, the default)"),
        ErrorCase(
            "check interval below the default timeout", directive("health_check tcp interval=1s;"), at: 3, 22,
            "health_check timeout (2s, the default) is greater than its interval (1s)"),
        ErrorCase(
            "check timeout above the interval", directive("health_check tcp timeout=3s interval=2s;"), at: 3, 22,
            "health_check timeout (3s) is greater than its interval (2s)"),
        ErrorCase("zero rise", directive("health_check tcp rise=0;"), at: 3, 22, "0 is out of range 1-1000"),
        ErrorCase("fall not a number", directive("health_check tcp fall=many;"), at: 3, 22, "expected a whole number"),
        ErrorCase(
            "unknown check parameter", directive("health_check tcp port=81;"), at: 3, 22,
            "unknown parameter \"port\""),
        ErrorCase(
            "unknown PROXY version", directive("send_proxy v3;"), at: 3, 16,
            "invalid \"send_proxy\" value \"v3\": expected v1 or v2"),
        ErrorCase(
            "health check twice", directive("health_check tcp;\n    health_check http;"), at: 4, 5,
            "duplicate \"health_check\""),
        ErrorCase(
            "nginx's least_conn", directive("least_conn;"), at: 3, 5,
            "use \"balance least_conn;\" in the upstream block"),
        ErrorCase(
            "keepalive in a frontend", ConfigFixtures.inFrontend("    keepalive 8;"), at: 8, 5,
            "\"keepalive\" is not allowed in frontend; it goes in upstream blocks"),
    ]

    @Test(arguments: errors)
    func error(_ errorCase: ErrorCase) throws { try errorCase.check() }
}
