import Testing

@testable import Config

@Suite struct HTTPDirectiveTests {
    @Test func modeHTTPDefaults() throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.inFrontend("    mode http;"))
        let frontend = try #require(config.frontends.first)
        #expect(frontend.mode == .http)
        #expect(frontend.http == FrontendHTTPSettings())
        #expect(frontend.http.maxRequestHeader == 16 * 1024)
        #expect(frontend.http.maxHeaders == 100)
        #expect(frontend.http.upstreamTimeout == .seconds(60))
        #expect(frontend.http.requestTimeout == .seconds(30))
        #expect(frontend.http.trustedProxies.isEmpty)
        #expect(!frontend.http.forwarded)
        #expect(frontend.alpn == ["http/1.1"], "mode http offers http/1.1 when alpn is not set")
    }

    @Test func everyHTTPDirective() throws {
        let config = try ConfigFixtures.parse(
            ConfigFixtures.inFrontend(
                """
                    request_timeout 5s;
                    trusted_proxies 10.0.0.0/8 192.0.2.1 2001:db8::/32 ::1;
                    forwarded on;
                    max_request_header 32k;
                    max_headers 50;
                    upstream_timeout 90s;
                    mode http;
                    alpn http/1.1 http/1.0;
                """))
        let http = try #require(config.frontends.first).http
        #expect(http.requestTimeout == .seconds(5))
        #expect(http.forwarded)
        #expect(http.maxRequestHeader == 32 * 1024)
        #expect(http.maxHeaders == 50)
        #expect(http.upstreamTimeout == .seconds(90))
        #expect(http.trustedProxies.map(\.description) == ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "::1"])
        #expect(http.trustedProxies.map(\.prefixLength) == [8, 32, 32, 128])
        #expect(http.trustedProxies[0].bytes == [10, 0, 0, 0])
        #expect(http.trustedProxies[2].bytes == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 12))
        #expect(try #require(config.frontends.first).alpn == ["http/1.1", "http/1.0"])
    }

    @Test func modeTCPKeepsNoALPN() throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.inFrontend("    mode tcp;"))
        #expect(try #require(config.frontends.first).alpn.isEmpty)
    }

    static let errors: [ErrorCase] = [
        ErrorCase(
            "http directive in mode tcp", ConfigFixtures.inFrontend("    max_headers 10;"), at: 8, 5,
            "\"max_headers\" applies only to mode http; add \"mode http;\" to frontend \"web\""),
        ErrorCase(
            "http directive before mode tcp", ConfigFixtures.inFrontend("    forwarded on;\n    mode tcp;"), at: 8, 5,
            "\"forwarded\" applies only to mode http"),
        ErrorCase(
            "h2 in mode http", ConfigFixtures.inFrontend("    alpn h2 http/1.1;\n    mode http;"), at: 8, 10,
            "mode http speaks HTTP/1.1 only; \"h2\" cannot be offered in \"alpn\""),
        ErrorCase(
            "bad CIDR", ConfigFixtures.inFrontend("    mode http;\n    trusted_proxies 10.0.0.0/8 10.0.0/8;"), at: 9,
            32,
            "invalid \"trusted_proxies\" value \"10.0.0/8\": \"10.0.0\" is not an IPv4 address"),
        ErrorCase(
            "prefix too long", ConfigFixtures.inFrontend("    mode http;\n    trusted_proxies 10.0.0.0/33;"), at: 9, 21,
            "the prefix length after \"/\" is a number from 0 to 32"),
        ErrorCase(
            "host bits set", ConfigFixtures.inFrontend("    mode http;\n    trusted_proxies 10.0.0.1/8;"), at: 9, 21,
            "the address has bits set after the /8 prefix"),
        ErrorCase(
            "bracketed IPv6", ConfigFixtures.inFrontend("    mode http;\n    trusted_proxies [::1];"), at: 9, 21,
            "write IPv6 networks without brackets"),
        ErrorCase(
            "forwarded value", ConfigFixtures.inFrontend("    mode http;\n    forwarded yes;"), at: 9, 15,
            "invalid \"forwarded\" value \"yes\": expected on or off"),
        ErrorCase(
            "header size too small", ConfigFixtures.inFrontend("    mode http;\n    max_request_header 512;"), at: 9,
            24,
            "invalid \"max_request_header\" value \"512\": must be from 1k to 1M"),
        ErrorCase(
            "header size too large", ConfigFixtures.inFrontend("    mode http;\n    max_request_header 2M;"), at: 9, 24,
            "must be from 1k to 1M"),
        ErrorCase(
            "max headers zero", ConfigFixtures.inFrontend("    mode http;\n    max_headers 0;"), at: 9, 17,
            "invalid \"max_headers\" value \"0\": 0 is out of range 1-10000"),
        ErrorCase(
            "zero upstream timeout", ConfigFixtures.inFrontend("    mode http;\n    upstream_timeout 0;"), at: 9, 22,
            "invalid \"upstream_timeout\" value \"0\": must be greater than 0"),
        ErrorCase(
            "bad request timeout", ConfigFixtures.inFrontend("    mode http;\n    request_timeout 5x;"), at: 9, 21,
            "invalid \"request_timeout\" value \"5x\""),
        ErrorCase(
            "duplicate", ConfigFixtures.inFrontend("    mode http;\n    max_headers 5;\n    max_headers 6;"), at: 10, 5,
            "duplicate \"max_headers\""),
        ErrorCase(
            "no arguments", ConfigFixtures.inFrontend("    mode http;\n    trusted_proxies;"), at: 9, 20,
            "\"trusted_proxies\" takes at least 1 argument, got 0"),
    ]

    @Test func anUpstreamWithSendProxyCannotServeModeHTTP() throws {
        let text = ConfigFixtures.inFrontend("    mode http;").replacing(
            "server 127.0.0.1:8080;", with: "server 127.0.0.1:8080;\n    send_proxy v2;")
        let error = try #require(ConfigFixtures.error(parsing: text))
        #expect(error.location == ConfigFixtures.location(7, 14))
        #expect(error.message.contains("upstream \"app\" has \"send_proxy\", which mode http does not send"))
    }

    @Test(arguments: errors)
    func rejected(_ error: ErrorCase) throws {
        try error.check()
    }
}
