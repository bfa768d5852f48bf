import Config
import Testing

/// Bad argument values: each error points at the argument and says what was expected.
@Suite struct ValueErrorTests {
    static let topLevel: [ErrorCase] = [
        ErrorCase(
            "workers is not a number", ConfigFixtures.topLevel("workers many;"), at: 1, 9,
            "invalid \"workers\" value \"many\": expected auto or a number from 1 to 1024"),
        ErrorCase("workers zero", ConfigFixtures.topLevel("workers 0;"), at: 1, 9, "0 is out of range 1-1024"),
        ErrorCase(
            "workers too many", ConfigFixtures.topLevel("workers 1025;"), at: 1, 9, "1025 is out of range 1-1024"),
        ErrorCase(
            "log level misspelled", ConfigFixtures.topLevel("log_level warn;"), at: 1, 11,
            "did you mean \"warning\"?"),
        ErrorCase(
            "log level unknown", ConfigFixtures.topLevel("log_level loud;"), at: 1, 11,
            "expected one of trace, debug, info, notice, warning, error, critical"),
        ErrorCase(
            "duration with an unknown unit", ConfigFixtures.topLevel("shutdown_timeout 10x;"), at: 1, 18,
            "invalid \"shutdown_timeout\" value \"10x\": unknown unit \"x\"; use ms, s, m, h or d"),
        ErrorCase(
            "duration unit spelled out", ConfigFixtures.topLevel("shutdown_timeout 10sec;"), at: 1, 18,
            "unknown unit \"sec\""),
        ErrorCase(
            "duration without a number", ConfigFixtures.topLevel("shutdown_timeout s;"), at: 1, 18,
            "expected a number followed by a unit"),
        ErrorCase(
            "negative duration", ConfigFixtures.topLevel("shutdown_timeout -5s;"), at: 1, 18,
            "durations cannot be negative"),
        ErrorCase(
            "admin on a host name", ConfigFixtures.topLevel("admin localhost:9199;"), at: 1, 7,
            "\"localhost\" is not an IP address"),
        ErrorCase(
            "admin with an empty unix path", ConfigFixtures.topLevel("admin unix:;"), at: 1, 7,
            "missing socket path after \"unix:\""),
        ErrorCase(
            "admin socket path too long", ConfigFixtures.topLevel("admin /" + String(repeating: "a", count: 120) + ";"),
            at: 1, 7, "is 121 bytes; unix sockets allow 107"),
        ErrorCase("empty user", ConfigFixtures.topLevel("user \"\";"), at: 1, 6, "must not be empty"),
        ErrorCase(
            "upstream name with a space", ConfigFixtures.topLevel("upstream \"my app\" {\n    server 127.0.0.1:80;\n}"),
            at: 1, 10, "upstream names use only letters, digits"),
    ]

    static let stapling: [ErrorCase] = [
        ErrorCase(
            "malformed decimal duration", ConfigFixtures.inStapling("    retry_max 1.5.5s;"), at: 2, 15,
            "expected a number such as 10 or 1.5 before the unit"),
        ErrorCase(
            "zero where zero makes no sense", ConfigFixtures.inStapling("    fetch_timeout 0;"), at: 2, 19,
            "invalid \"fetch_timeout\" value \"0\": must be greater than 0"),
        ErrorCase(
            "size with an unknown suffix", ConfigFixtures.inStapling("    max_response_size 64q;"), at: 2, 23,
            "expected a number of bytes with an optional k or M suffix"),
        ErrorCase(
            "zero size", ConfigFixtures.inStapling("    max_response_size 0;"), at: 2, 23, "size must be greater than 0"
        ),
        ErrorCase(
            "refresh fraction of 1", ConfigFixtures.inStapling("    refresh_fraction 1;"), at: 2, 22,
            "must be greater than 0 and less than 1"),
        ErrorCase(
            "refresh fraction in words", ConfigFixtures.inStapling("    refresh_fraction half;"), at: 2, 22,
            "expected a decimal number between 0 and 1"),
        ErrorCase(
            "refresh fraction in exponent form", ConfigFixtures.inStapling("    refresh_fraction 5e-1;"), at: 2, 22,
            "expected a decimal number between 0 and 1"),
        ErrorCase(
            "no concurrent fetches", ConfigFixtures.inStapling("    max_concurrent_fetches 0;"), at: 2, 28,
            "0 is out of range 1-1024"),
        ErrorCase(
            "https proxy", ConfigFixtures.inStapling("    proxy https://proxy.internal:3128;"), at: 2, 11,
            "only http:// proxy URLs are supported"),
        ErrorCase(
            "proxy without a port", ConfigFixtures.inStapling("    proxy http://proxy.internal;"), at: 2, 11,
            "missing port"),
        ErrorCase(
            "min refresh above max refresh",
            ConfigFixtures.inStapling("    min_refresh_interval 2h;\n    max_refresh_interval 1h;"), at: 3, 26,
            "min_refresh_interval (2h) is greater than max_refresh_interval (1h)"),
        ErrorCase(
            "min refresh above the default max", ConfigFixtures.inStapling("    min_refresh_interval 2d;"), at: 2, 26,
            "min_refresh_interval (2d) is greater than max_refresh_interval (1d, the default)"),
        ErrorCase(
            "retry base above retry max",
            ConfigFixtures.inStapling("    retry_base 2h;\n    retry_max 30m;"), at: 3, 15,
            "retry_base (2h) is greater than retry_max (30m)"),
        ErrorCase(
            "retry base above the default retry max", ConfigFixtures.inStapling("    retry_base 2h;"), at: 2, 16,
            "retry_base (2h) is greater than retry_max (1h, the default)"),
        ErrorCase(
            "retry max below the default retry base", ConfigFixtures.inStapling("    retry_max 30s;"), at: 2, 15,
            "retry_base (1m, the default) is greater than retry_max (30s)"),
        ErrorCase(
            "zero retry base", ConfigFixtures.inStapling("    retry_base 0;"), at: 2, 16,
            "invalid \"retry_base\" value \"0\": must be greater than 0"),
        ErrorCase(
            "empty cache dir", ConfigFixtures.inStapling("    cache_dir '';"), at: 2, 15,
            "invalid \"cache_dir\" value \"\": the path is empty"),
    ]

    static let addresses: [ErrorCase] = [
        ErrorCase(
            "listen port out of range", ConfigFixtures.inFrontend("    listen 127.0.0.1:70000;"), at: 8, 12,
            "invalid \"listen\" value \"127.0.0.1:70000\": port 70000 is out of range 0-65535"),
        ErrorCase(
            "server port zero", ConfigFixtures.inUpstream("    server 127.0.0.1:0;"), at: 2, 12,
            "port 0 is out of range 1-65535"),
        ErrorCase(
            "server port not a number", ConfigFixtures.inUpstream("    server 127.0.0.1:http;"), at: 2, 12,
            "port \"http\" is not a number"),
        ErrorCase(
            "IPv6 with two ::", ConfigFixtures.inFrontend("    listen [2001:db8::1::2]:443;"), at: 8, 12,
            "\"::\" appears twice"),
        ErrorCase(
            "IPv6 group too long", ConfigFixtures.inFrontend("    listen [2001:db8::12345]:443;"), at: 8, 12,
            "\"2001:db8::12345\" is not an IPv6 address"),
        ErrorCase(
            "IPv6 with too many groups", ConfigFixtures.inFrontend("    listen [1:2:3:4:5:6:7:8:9]:443;"), at: 8, 12,
            "is not an IPv6 address"),
        ErrorCase(
            "IPv6 missing its bracket", ConfigFixtures.inFrontend("    listen [::1:443;"), at: 8, 12,
            "missing ']' after the IPv6 address"),
        ErrorCase(
            "IPv6 without brackets", ConfigFixtures.inFrontend("    listen ::1:443;"), at: 8, 12,
            "IPv6 addresses must be written in brackets, such as [::1]:443"),
        ErrorCase(
            "IPv6 zone index", ConfigFixtures.inFrontend("    listen [fe80::1%eth0]:443;"), at: 8, 12,
            "zone indexes (%interface) are not supported"),
        ErrorCase(
            "IPv4 octet out of range", ConfigFixtures.inFrontend("    listen 256.0.0.1:443;"), at: 8, 12,
            "\"256\" is not a number from 0 to 255"),
        ErrorCase(
            "IPv4 with three octets", ConfigFixtures.inUpstream("    server 10.0.1:80;"), at: 2, 12,
            "expected four numbers separated by dots"),
        ErrorCase(
            "listen on a host name", ConfigFixtures.inFrontend("    listen localhost:443;"), at: 8, 12,
            "\"localhost\" is not an IP address"),
        ErrorCase(
            "listen without a port", ConfigFixtures.inFrontend("    listen 127.0.0.1;"), at: 8, 12,
            "missing port; expected HOST:PORT"),
        ErrorCase(
            "server with a bad host name", ConfigFixtures.inUpstream("    server -bad-.example:80;"), at: 2, 12,
            "\"-bad-.example\" is not a valid host name"),
        ErrorCase(
            "server on the wildcard", ConfigFixtures.inUpstream("    server *:80;"), at: 2, 12,
            "\"*\" can only be used to listen"),
    ]

    static let frontend: [ErrorCase] = [
        ErrorCase(
            "unknown protocol", ConfigFixtures.inFrontend("    protocols TLSv1.2 TLSv1.4;"), at: 8, 23,
            "invalid \"protocols\" value \"TLSv1.4\": expected TLSv1.2 or TLSv1.3"),
        ErrorCase(
            "obsolete protocol", ConfigFixtures.inFrontend("    protocols TLSv1.1;"), at: 8, 15,
            "TLSv1.1 is not supported; stapled speaks TLSv1.2 and TLSv1.3"),
        ErrorCase(
            "protocol listed twice", ConfigFixtures.inFrontend("    protocols TLSv1.3 TLSv1.3;"), at: 8, 23,
            "TLSv1.3 is listed twice in \"protocols\""),
        ErrorCase(
            "ALPN protocol listed twice", ConfigFixtures.inFrontend("    alpn h2 h2;"), at: 8, 13,
            "\"h2\" is listed twice in \"alpn\""),
        ErrorCase(
            "ALPN protocol too long", ConfigFixtures.inFrontend("    alpn " + String(repeating: "x", count: 256) + ";"),
            at: 8, 10, "an ALPN protocol name is 1 to 255 printable ASCII characters"),
        ErrorCase(
            "unknown mode", ConfigFixtures.inFrontend("    mode udp;"), at: 8, 10,
            "invalid \"mode\" value \"udp\": expected tcp or http"),
        ErrorCase(
            "zero idle timeout", ConfigFixtures.inFrontend("    idle_timeout 0s;"), at: 8, 18, "must be greater than 0"),
        ErrorCase(
            "empty cipher list", ConfigFixtures.inFrontend("    ciphers \"\";"), at: 8, 13, "must not be empty"),
        ErrorCase(
            "empty certificate path", ConfigFixtures.inFrontend("    certificate \"\" site.key;"), at: 8, 17,
            "invalid \"certificate\" value \"\": the path is empty"),
        ErrorCase(
            "OCSP URL with another scheme", ConfigFixtures.inCertificate("        ocsp_url ftp://ocsp.example.com;"),
            at: 8, 18, "expected a URL starting with http:// or https://"),
        ErrorCase(
            "OCSP URL without a host", ConfigFixtures.inCertificate("        ocsp_url http:///ocsp;"), at: 8, 18,
            "the URL has no host"),
        ErrorCase(
            "stapling neither on nor off", ConfigFixtures.inCertificate("        stapling maybe;"), at: 8, 18,
            "expected on or off"),
        ErrorCase(
            "staple file with stapling off",
            ConfigFixtures.inCertificate("        stapling off;\n        staple_file s.der;"), at: 9, 9,
            "\"staple_file\" has no effect with \"stapling off\" (set at /etc/stapled/stapled.conf:8:9)"),
        ErrorCase(
            "OCSP URL and staple file together",
            ConfigFixtures.inCertificate("        staple_file s.der;\n        ocsp_url http://ocsp.example.com;"),
            at: 9, 9, "\"ocsp_url\" and \"staple_file\" exclude each other"),
    ]

    @Test(arguments: topLevel)
    func topLevelValue(_ errorCase: ErrorCase) throws { try errorCase.check() }

    @Test(arguments: stapling)
    func staplingValue(_ errorCase: ErrorCase) throws { try errorCase.check() }

    @Test(arguments: addresses)
    func addressValue(_ errorCase: ErrorCase) throws { try errorCase.check() }

    @Test(arguments: frontend)
    func frontendValue(_ errorCase: ErrorCase) throws { try errorCase.check() }
}
