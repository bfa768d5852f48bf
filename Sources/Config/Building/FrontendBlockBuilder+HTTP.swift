/// The `mode http` directives of a frontend block, and the checks that involve the mode.
extension FrontendBlockBuilder {
    /// The directives that only `mode http` understands.
    static let httpDirectives: Set<String> = [
        "trusted_proxies", "forwarded", "max_request_header", "max_headers", "upstream_timeout", "request_timeout",
    ]

    /// ALPN protocols a `mode http` frontend can speak.
    static let httpALPN: Set<String> = ["http/1.1", "http/1.0"]

    static func http(_ directive: Directive, into settings: inout FrontendHTTPSettings) throws(ConfigError) {
        switch directive.name {
        case "trusted_proxies":
            var networks: [IPNetwork] = []
            for argument in directive.arguments {
                networks.append(try argument.parsed(for: directive, CIDRSyntax.parse))
            }
            settings.trustedProxies = networks
        case "forwarded":
            settings.forwarded = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
                switch text {
                case "on": return true
                case "off": return false
                default: throw ValueError("expected on or off")
                }
            }
        case "max_request_header":
            settings.maxRequestHeader = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
                let size = try SizeSyntax.parse(text)
                let limit = FrontendHTTPSettings.maxRequestHeaderLimit
                guard limit.contains(size) else { throw ValueError("must be from 1k to 1M") }
                return size
            }
        case "max_headers":
            settings.maxHeaders = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
                try NumberSyntax.integer(text, in: FrontendHTTPSettings.maxHeadersLimit)
            }
        case "upstream_timeout":
            settings.upstreamTimeout = try directive.duration()
        case "request_timeout":
            settings.requestTimeout = try directive.duration()
        default:
            preconditionFailure("\"\(directive.name)\" is not an http directive")
        }
    }

    /// Once the block is read: `mode http` directives need `mode http`; a `mode http` frontend
    /// offers only HTTP/1.x in ALPN, and `http/1.1` when `alpn` is not set.
    static func checkHTTP(
        _ frontend: inout Frontend, httpDirectives: [Directive], alpn: Directive?
    ) throws(ConfigError) {
        guard frontend.mode == .http else {
            if let first = httpDirectives.first {
                throw ConfigError(
                    "\"\(first.name)\" applies only to mode http; add \"mode http;\" to frontend \"\(frontend.name)\"",
                    at: first.location)
            }
            return
        }
        guard let alpn else {
            frontend.alpn = ["http/1.1"]
            return
        }
        for argument in alpn.arguments where !httpALPN.contains(argument.value) {
            throw ConfigError(
                "mode http speaks HTTP/1.1 only; \"\(argument.value)\" cannot be offered in \"alpn\" (use http/1.1)",
                at: argument.location)
        }
    }
}
