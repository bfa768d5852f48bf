/// The shape of one directive in one context: how many arguments, whether it has a block, and
/// whether it may be repeated. Checked before any argument is interpreted.
struct DirectiveSpec: Sendable {
    enum BlockUse: Sendable {
        /// `name args;`
        case forbidden
        /// `name args { ... }`
        case required
        /// Either form, as `certificate CHAIN KEY;` and `certificate CHAIN KEY { ... }`.
        case optional
    }

    var name: String
    var arguments: ClosedRange<Int>
    var block: BlockUse = .forbidden
    var repeatable = false
    /// The syntax as the docs write it, quoted in messages: `certificate CHAIN KEY [{ ... }]`.
    var syntax: String

    init(
        _ name: String, arguments: ClosedRange<Int> = 1...1, block: BlockUse = .forbidden, repeatable: Bool = false,
        syntax: String
    ) {
        self.name = name
        self.arguments = arguments
        self.block = block
        self.repeatable = repeatable
        self.syntax = syntax
    }

    /// `takes 1 argument`, `takes 2 arguments`, `takes at least 1 argument`, `takes 1 to 2 arguments`.
    var argumentCountPhrase: String {
        func count(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
        if arguments.upperBound == Int.max { return "takes at least \(count(arguments.lowerBound))" }
        if arguments.lowerBound == arguments.upperBound {
            return arguments.lowerBound == 0 ? "takes no arguments" : "takes \(count(arguments.lowerBound))"
        }
        return "takes \(arguments.lowerBound) to \(count(arguments.upperBound))"
    }
}

extension DirectiveSpec {
    static let main: [DirectiveSpec] = [
        DirectiveSpec("workers", syntax: "workers auto|N;"),
        DirectiveSpec("log_level", syntax: "log_level trace|debug|info|notice|warning|error|critical;"),
        DirectiveSpec("admin", syntax: "admin HOST:PORT|/PATH|unix:PATH;"),
        DirectiveSpec("user", syntax: "user NAME;"),
        DirectiveSpec("group", syntax: "group NAME;"),
        DirectiveSpec("shutdown_timeout", syntax: "shutdown_timeout DURATION;"),
        DirectiveSpec("stapling", arguments: 0...0, block: .required, syntax: "stapling { ... }"),
        DirectiveSpec(
            "upstream", block: .required, repeatable: true, syntax: "upstream NAME { server HOST:PORT; ... }"),
        DirectiveSpec("frontend", block: .required, repeatable: true, syntax: "frontend NAME { ... }"),
    ]

    static let stapling: [DirectiveSpec] = [
        DirectiveSpec("cache_dir", syntax: "cache_dir DIR;"),
        DirectiveSpec("refresh_fraction", syntax: "refresh_fraction FRACTION;"),
        DirectiveSpec("min_refresh_interval", syntax: "min_refresh_interval DURATION;"),
        DirectiveSpec("max_refresh_interval", syntax: "max_refresh_interval DURATION;"),
        DirectiveSpec("retry_base", syntax: "retry_base DURATION;"),
        DirectiveSpec("retry_max", syntax: "retry_max DURATION;"),
        DirectiveSpec("connect_timeout", syntax: "connect_timeout DURATION;"),
        DirectiveSpec("fetch_timeout", syntax: "fetch_timeout DURATION;"),
        DirectiveSpec("max_response_size", syntax: "max_response_size SIZE;"),
        DirectiveSpec("max_clock_skew", syntax: "max_clock_skew DURATION;"),
        DirectiveSpec("max_age_without_next_update", syntax: "max_age_without_next_update DURATION;"),
        DirectiveSpec("proxy", syntax: "proxy http://HOST:PORT;"),
        DirectiveSpec("startup_wait", syntax: "startup_wait DURATION;"),
        DirectiveSpec("max_concurrent_fetches", syntax: "max_concurrent_fetches N;"),
    ]

    static let upstream: [DirectiveSpec] = [
        DirectiveSpec(
            "server", arguments: 1...5, repeatable: true,
            syntax: "server HOST:PORT [weight=N] [max_fails=N] [fail_timeout=DURATION] [backup];"),
        DirectiveSpec("balance", syntax: "balance round_robin|least_conn;"),
        DirectiveSpec("keepalive", syntax: "keepalive N;"),
        DirectiveSpec("keepalive_timeout", syntax: "keepalive_timeout DURATION;"),
        DirectiveSpec(
            "health_check", arguments: 1...6,
            syntax: "health_check tcp|http [path=PATH] [interval=DURATION] [rise=N] [fall=N] [timeout=DURATION];"),
        DirectiveSpec("send_proxy", syntax: "send_proxy v1|v2;"),
    ]

    static let frontend: [DirectiveSpec] = [
        DirectiveSpec("listen", repeatable: true, syntax: "listen ADDRESS:PORT;"),
        DirectiveSpec("mode", syntax: "mode tcp|http;"),
        DirectiveSpec("upstream", syntax: "upstream NAME;"),
        DirectiveSpec(
            "certificate", arguments: 2...2, block: .optional, repeatable: true,
            syntax: "certificate CHAIN KEY; or certificate CHAIN KEY { ... }"),
        DirectiveSpec("protocols", arguments: 1...2, syntax: "protocols TLSv1.2 TLSv1.3;"),
        DirectiveSpec("ciphers", syntax: "ciphers LIST;"),
        DirectiveSpec("ciphersuites", syntax: "ciphersuites LIST;"),
        DirectiveSpec("curves", syntax: "curves LIST;"),
        DirectiveSpec("alpn", arguments: 1...Int.max, syntax: "alpn PROTOCOL ...;"),
        DirectiveSpec("handshake_timeout", syntax: "handshake_timeout DURATION;"),
        DirectiveSpec("connect_timeout", syntax: "connect_timeout DURATION;"),
        DirectiveSpec("idle_timeout", syntax: "idle_timeout DURATION;"),
        DirectiveSpec("session_ticket_lifetime", syntax: "session_ticket_lifetime DURATION;"),
        DirectiveSpec("trusted_proxies", arguments: 1...Int.max, syntax: "trusted_proxies CIDR ...;"),
        DirectiveSpec("forwarded", syntax: "forwarded on|off;"),
        DirectiveSpec("max_request_header", syntax: "max_request_header SIZE;"),
        DirectiveSpec("max_headers", syntax: "max_headers N;"),
        DirectiveSpec("upstream_timeout", syntax: "upstream_timeout DURATION;"),
        DirectiveSpec("request_timeout", syntax: "request_timeout DURATION;"),
    ]

    static let certificate: [DirectiveSpec] = [
        DirectiveSpec("issuer", syntax: "issuer FILE;"),
        DirectiveSpec("stapling", syntax: "stapling on|off;"),
        DirectiveSpec("ocsp_url", syntax: "ocsp_url URL;"),
        DirectiveSpec("staple_file", syntax: "staple_file FILE;"),
    ]
}
