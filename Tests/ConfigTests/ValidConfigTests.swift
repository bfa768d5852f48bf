import Config
import Testing

/// Files that must parse, and what they must parse to.
@Suite struct ValidConfigTests {
    @Test func minimalConfigGetsEveryDefault() throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.minimal)
        #expect(config.file == "/etc/stapled/stapled.conf")
        #expect(config.workers == .auto)
        #expect(config.logLevel == .info)
        #expect(config.admin == nil)
        #expect(config.user == nil)
        #expect(config.group == nil)
        #expect(config.shutdownTimeout == .seconds(30))

        let stapling = config.stapling
        #expect(stapling == StaplingSettings())
        #expect(stapling.cacheDir == "/var/lib/stapled/ocsp")
        #expect(stapling.refreshFraction == 0.5)
        #expect(stapling.minRefreshInterval == .seconds(60))
        #expect(stapling.maxRefreshInterval == .seconds(86_400))
        #expect(stapling.retryBase == .seconds(60))
        #expect(stapling.retryMax == .seconds(3_600))
        #expect(stapling.connectTimeout == .seconds(5))
        #expect(stapling.fetchTimeout == .seconds(15))
        #expect(stapling.maxResponseSize == 65_536)
        #expect(stapling.maxClockSkew == .seconds(300))
        #expect(stapling.maxAgeWithoutNextUpdate == .seconds(3_600))
        #expect(stapling.proxy == nil)
        #expect(stapling.startupWait == .seconds(10))
        #expect(stapling.maxConcurrentFetches == 8)

        #expect(
            config.upstreams == [
                Upstream(
                    name: "app",
                    servers: [
                        Located(
                            UpstreamServerSpec(HostPort(host: "127.0.0.1", port: 8080)),
                            at: ConfigFixtures.location(2, 12))
                    ],
                    location: ConfigFixtures.location(1, 1))
            ])

        let frontend = try #require(config.frontends.first)
        #expect(config.frontends.count == 1)
        #expect(frontend.name == "web")
        #expect(frontend.location == ConfigFixtures.location(4, 1))
        #expect(frontend.listens == [Located(HostPort(host: "127.0.0.1", port: 0), at: ConfigFixtures.location(5, 12))])
        #expect(frontend.mode == .tcp)
        #expect(frontend.upstream == Located("app", at: ConfigFixtures.location(6, 14)))
        #expect(frontend.protocols == [.tls12, .tls13])
        #expect(frontend.ciphers == Frontend.intermediateCiphers)
        #expect(frontend.ciphersuites == Frontend.intermediateCiphersuites)
        #expect(frontend.curves == Frontend.intermediateCurves)
        #expect(frontend.alpn.isEmpty)
        #expect(frontend.handshakeTimeout == .seconds(10))
        #expect(frontend.connectTimeout == .seconds(5))
        #expect(frontend.idleTimeout == .seconds(60))
        #expect(frontend.sessionTicketLifetime == .seconds(3_600))

        var certificate = CertificateSpec(
            chainPath: "/etc/stapled/site.pem", keyPath: "/etc/stapled/site.key",
            location: ConfigFixtures.location(7, 5))
        certificate.stapling = true
        #expect(frontend.certificates == [certificate])
    }

    @Test func fullConfigSetsEveryDirective() throws {
        let text = """
            workers 4;
            log_level debug;
            admin [::1]:9199;
            user stapled;
            group stapled;
            shutdown_timeout 45s;
            stapling {
                cache_dir ocsp-cache;
                refresh_fraction 0.75;
                min_refresh_interval 5m;
                max_refresh_interval 12h;
                retry_base 30s;
                retry_max 30m;
                connect_timeout 2500ms;
                fetch_timeout 20s;
                max_response_size 128k;
                max_clock_skew 1m;
                max_age_without_next_update 2h;
                proxy http://proxy.internal:3128;
                startup_wait 0;
                max_concurrent_fetches 16;
            }
            upstream app {
                server 127.0.0.1:8080;
                server [2001:db8::10]:8080;
                server app-2.internal:8081;
            }
            frontend web {
                listen *:443;
                listen [::]:443;
                mode tcp;
                upstream app;
                certificate /etc/stapled/site-ecdsa.pem /etc/stapled/site-ecdsa.key;
                certificate certs/site-rsa.pem certs/site-rsa.key {
                    issuer certs/issuer.pem;
                    stapling on;
                    ocsp_url http://ocsp.example.com/;
                }
                certificate legacy.pem legacy.key {
                    staple_file legacy.der;
                }
                certificate internal.pem internal.key {
                    stapling off;
                }
                protocols TLSv1.3;
                ciphers ECDHE-ECDSA-AES128-GCM-SHA256;
                ciphersuites TLS_AES_128_GCM_SHA256;
                curves X25519;
                alpn h2 http/1.1;
                handshake_timeout 5s;
                connect_timeout 1.5s;
                idle_timeout 5m;
                session_ticket_lifetime 12h;
            }
            """
        let config = try ConfigFixtures.parse(text)
        #expect(config.workers == .count(4))
        #expect(config.logLevel == .debug)
        #expect(config.admin == Located(.tcp(HostPort(host: "::1", port: 9199)), at: ConfigFixtures.location(3, 7)))
        #expect(config.user == "stapled")
        #expect(config.group == "stapled")
        #expect(config.shutdownTimeout == .seconds(45))

        var stapling = StaplingSettings()
        stapling.cacheDir = "/etc/stapled/ocsp-cache"
        stapling.refreshFraction = 0.75
        stapling.minRefreshInterval = .seconds(300)
        stapling.maxRefreshInterval = .seconds(43_200)
        stapling.retryBase = .seconds(30)
        stapling.retryMax = .seconds(1_800)
        stapling.connectTimeout = .milliseconds(2_500)
        stapling.fetchTimeout = .seconds(20)
        stapling.maxResponseSize = 131_072
        stapling.maxClockSkew = .seconds(60)
        stapling.maxAgeWithoutNextUpdate = .seconds(7_200)
        stapling.proxy = "http://proxy.internal:3128"
        stapling.startupWait = .zero
        stapling.maxConcurrentFetches = 16
        #expect(config.stapling == stapling)

        let upstream = try #require(config.upstream(named: "app"))
        #expect(
            upstream.servers.map(\.value.address) == [
                HostPort(host: "127.0.0.1", port: 8080), HostPort(host: "2001:db8::10", port: 8080),
                HostPort(host: "app-2.internal", port: 8081),
            ])
        #expect(upstream.servers.map(\.location.line) == [24, 25, 26])

        let frontend = try #require(config.frontends.first)
        #expect(
            frontend.listens.map(\.value) == [HostPort(host: "0.0.0.0", port: 443), HostPort(host: "::", port: 443)])
        #expect(frontend.listens.map(\.location) == [ConfigFixtures.location(29, 12), ConfigFixtures.location(30, 12)])
        #expect(frontend.mode == .tcp)
        #expect(frontend.upstream.value == "app")
        #expect(frontend.protocols == [.tls13])
        #expect(frontend.ciphers == "ECDHE-ECDSA-AES128-GCM-SHA256")
        #expect(frontend.ciphersuites == "TLS_AES_128_GCM_SHA256")
        #expect(frontend.curves == "X25519")
        #expect(frontend.alpn == ["h2", "http/1.1"])
        #expect(frontend.handshakeTimeout == .seconds(5))
        #expect(frontend.connectTimeout == .milliseconds(1_500))
        #expect(frontend.idleTimeout == .seconds(300))
        #expect(frontend.sessionTicketLifetime == .seconds(43_200))

        let certificates = frontend.certificates
        try #require(certificates.count == 4)
        #expect(certificates[0].chainPath == "/etc/stapled/site-ecdsa.pem")
        #expect(certificates[0].keyPath == "/etc/stapled/site-ecdsa.key")
        #expect(certificates[0].issuerPath == nil)
        #expect(certificates[0].location == ConfigFixtures.location(33, 5))
        #expect(certificates[1].chainPath == "/etc/stapled/certs/site-rsa.pem")
        #expect(certificates[1].keyPath == "/etc/stapled/certs/site-rsa.key")
        #expect(certificates[1].issuerPath == "/etc/stapled/certs/issuer.pem")
        #expect(certificates[1].stapling)
        #expect(certificates[1].ocspURL == "http://ocsp.example.com/")
        #expect(certificates[1].stapleFile == nil)
        #expect(certificates[2].stapleFile == "/etc/stapled/legacy.der")
        #expect(certificates[2].stapling)
        #expect(!certificates[3].stapling)
    }

    @Test func commentsQuotesAndEscapes() throws {
        let text = #"""
            # A comment line; the directive below has a trailing comment.
            workers auto; # one per CPU
            user "st\"ap\\led\n";   # escapes in double quotes
            group 'gr\oup';         # single quotes are literal
            upstream app { server 127.0.0.1:8080; }
            frontend "web" {
                listen 127.0.0.1:0;
                upstream 'app';
                certificate "dir with spaces/site.pem" 'key#1.pem' {
                    ocsp_url http://ocsp.example.com/#fragment;   # '#' inside a word is not a comment
                }
                alpn "h2" 'http/1.1';
                curves "X25519:P-256";#
            }
            """#
        let config = try ConfigFixtures.parse(text)
        #expect(config.user == "st\"ap\\led\n")
        #expect(config.group == #"gr\oup"#)
        let frontend = try #require(config.frontends.first)
        #expect(frontend.name == "web")
        #expect(frontend.upstream.value == "app")
        #expect(frontend.certificates.first?.chainPath == "/etc/stapled/dir with spaces/site.pem")
        #expect(frontend.certificates.first?.keyPath == "/etc/stapled/key#1.pem")
        #expect(frontend.certificates.first?.ocspURL == "http://ocsp.example.com/#fragment")
        #expect(frontend.alpn == ["h2", "http/1.1"])
        #expect(frontend.curves == "X25519:P-256")
    }

    @Test(arguments: [
        ("admin 127.0.0.1:9199;", AdminAddress.tcp(HostPort(host: "127.0.0.1", port: 9199))),
        ("admin *:9199;", .tcp(HostPort(host: "0.0.0.0", port: 9199))),
        ("admin [::1]:0;", .tcp(HostPort(host: "::1", port: 0))),
        ("admin /run/stapled/admin.sock;", .unix(path: "/run/stapled/admin.sock")),
        ("admin unix:/run/stapled/admin.sock;", .unix(path: "/run/stapled/admin.sock")),
        ("admin unix:admin.sock;", .unix(path: "/etc/stapled/admin.sock")),
    ])
    func adminAddresses(line: String, expected: AdminAddress) throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.topLevel(line))
        #expect(config.admin == Located(expected, at: ConfigFixtures.location(1, 7)))
    }

    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("10s", .seconds(10)), ("30", .seconds(30)), ("1.5h", .seconds(5_400)),
        ("2d", .seconds(172_800)), ("1m", .seconds(60)), ("0.25s", .milliseconds(250)), ("0", .zero),
        ("1.5ms", .microseconds(1_500)),
    ])
    func durations(text: String, expected: Duration) throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.topLevel("shutdown_timeout \(text);"))
        #expect(config.shutdownTimeout == expected)
    }

    @Test(arguments: [("100", 100), ("64k", 65_536), ("64K", 65_536), ("1m", 1_048_576), ("2M", 2_097_152)])
    func sizes(text: String, expected: Int) throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.inStapling("    max_response_size \(text);"))
        #expect(config.stapling.maxResponseSize == expected)
    }

    @Test(arguments: LogLevelName.allCases)
    func everyLogLevel(level: LogLevelName) throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.topLevel("log_level \(level.rawValue);"))
        #expect(config.logLevel == level)
    }

    @Test(arguments: [("0.5", 0.5), (".75", 0.75), ("0.001", 0.001), ("0.999", 0.999)])
    func refreshFractions(text: String, expected: Double) throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.inStapling("    refresh_fraction \(text);"))
        #expect(config.stapling.refreshFraction == expected)
    }

    @Test func retryBaseMayEqualRetryMax() throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.inStapling("    retry_base 10m;\n    retry_max 10m;"))
        #expect(config.stapling.retryBase == .seconds(600))
        #expect(config.stapling.retryMax == .seconds(600))
    }

    @Test func protocolsAreKeptInAscendingOrder() throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.inFrontend("    protocols TLSv1.3 TLSv1.2;"))
        #expect(config.frontends.first?.protocols == [.tls12, .tls13])
    }

    @Test func workerBounds() throws {
        #expect(try ConfigFixtures.parse(ConfigFixtures.topLevel("workers 1;")).workers == .count(1))
        #expect(try ConfigFixtures.parse(ConfigFixtures.topLevel("workers 1024;")).workers == .count(1024))
    }

    @Test func upstreamServerHosts() throws {
        let body = """
                server 10.0.0.1:1;
                server [::ffff:192.0.2.1]:65535;
                server backend.example.com.:8080;
                server my_app:80;
            """
        let config = try ConfigFixtures.parse(ConfigFixtures.inUpstream(body))
        #expect(
            config.upstream(named: "other")?.servers.map(\.value.address.description) == [
                "10.0.0.1:1", "[::ffff:192.0.2.1]:65535", "backend.example.com.:8080", "my_app:80",
            ])
    }
}
