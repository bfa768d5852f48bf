/// Builds a `Frontend` from `frontend NAME { ... }`: one or more listens, exactly one upstream,
/// one or more certificates; TLS settings default to Mozilla's intermediate profile.
struct FrontendBlockBuilder {
    let paths: PathResolver

    func build(_ directive: Directive, name: String) throws(ConfigError) -> Frontend {
        let nameLocation = directive.argument.location
        var frontend = Frontend(name: name, upstream: Located("", at: nameLocation), location: directive.location)
        var upstream: Located<String>?
        var httpDirectives: [Directive] = []
        var alpn: Directive?
        try DirectiveChecker.forEach(directive.block?.directives ?? [], in: .frontend) {
            (directive) throws(ConfigError) in
            switch directive.name {
            case "listen":
                let address = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
                    try AddressSyntax.hostPort(text, hosts: .ipLiteralOrWildcard, ports: 0...65535)
                }
                frontend.listens.append(Located(address, at: directive.argument.location))
            case "mode":
                frontend.mode = try Self.mode(directive)
            case "upstream":
                upstream = Located(try directive.identifier(describing: "upstream"), at: directive.argument.location)
            case "certificate":
                frontend.certificates.append(try CertificateBlockBuilder(paths: paths).build(directive))
            case "protocols":
                frontend.protocols = try Self.protocols(directive)
            case "ciphers":
                frontend.ciphers = try directive.nonEmptyText()
            case "ciphersuites":
                frontend.ciphersuites = try directive.nonEmptyText()
            case "curves":
                frontend.curves = try directive.nonEmptyText()
            case "alpn":
                frontend.alpn = try Self.alpn(directive)
                alpn = directive
            case "handshake_timeout":
                frontend.handshakeTimeout = try directive.duration()
            case "connect_timeout":
                frontend.connectTimeout = try directive.duration()
            case "idle_timeout":
                frontend.idleTimeout = try directive.duration()
            case "session_ticket_lifetime":
                frontend.sessionTicketLifetime = try directive.duration()
            case _ where Self.httpDirectives.contains(directive.name):
                try Self.http(directive, into: &frontend.http)
                httpDirectives.append(directive)
            default:
                preconditionFailure("\"\(directive.name)\" is in the frontend schema but has no builder")
            }
        }
        guard !frontend.listens.isEmpty else {
            throw ConfigError(
                "frontend \"\(name)\" has no \"listen\"; add one such as \"listen 0.0.0.0:443;\"", at: nameLocation)
        }
        guard let upstream else {
            throw ConfigError(
                "frontend \"\(name)\" has no \"upstream\"; name the upstream block to relay to with \"upstream NAME;\"",
                at: nameLocation)
        }
        guard !frontend.certificates.isEmpty else {
            throw ConfigError(
                "frontend \"\(name)\" has no \"certificate\"; add \"certificate CHAIN KEY;\"", at: nameLocation)
        }
        frontend.upstream = upstream
        try Self.checkHTTP(&frontend, httpDirectives: httpDirectives, alpn: alpn)
        return frontend
    }

    private static func mode(_ directive: Directive) throws(ConfigError) -> FrontendMode {
        let argument = directive.argument
        switch FrontendMode(rawValue: argument.value) {
        case .tcp:
            return .tcp
        case .http:
            return .http
        case nil:
            throw ConfigError(
                "invalid \"mode\" value \"\(argument.value)\": expected tcp or http", at: argument.location)
        }
    }

    /// The versions named, in ascending order; each at most once.
    private static func protocols(_ directive: Directive) throws(ConfigError) -> [TLSProtocolVersion] {
        var versions: [TLSProtocolVersion] = []
        for argument in directive.arguments {
            let version = try argument.parsed(for: directive) { (text) throws(ValueError) in
                if let version = TLSProtocolVersion(rawValue: text) { return version }
                if ["SSLv2", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.1"].contains(text) {
                    throw ValueError("\(text) is not supported; stapled speaks TLSv1.2 and TLSv1.3")
                }
                throw ValueError("expected TLSv1.2 or TLSv1.3")
            }
            guard !versions.contains(version) else {
                throw ConfigError("\(version.rawValue) is listed twice in \"protocols\"", at: argument.location)
            }
            versions.append(version)
        }
        return versions.sorted()
    }

    /// ALPN protocol names in preference order: 1 to 255 bytes of printable ASCII, each once.
    private static func alpn(_ directive: Directive) throws(ConfigError) -> [String] {
        var names: [String] = []
        for argument in directive.arguments {
            let name = try argument.parsed(for: directive) { (text) throws(ValueError) in
                guard (1...255).contains(text.utf8.count), text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                    throw ValueError("an ALPN protocol name is 1 to 255 printable ASCII characters, such as h2")
                }
                return text
            }
            guard !names.contains(name) else {
                throw ConfigError("\"\(name)\" is listed twice in \"alpn\"", at: argument.location)
            }
            names.append(name)
        }
        return names
    }
}
