/// The directives of an upstream block that take options: `server` and `health_check`.
extension UpstreamBlockBuilder {
    /// `server HOST:PORT [weight=N] [max_fails=N] [fail_timeout=DURATION] [backup];`
    static func server(_ directive: Directive) throws(ConfigError) -> Located<UpstreamServerSpec> {
        let address = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
            try AddressSyntax.hostPort(text, hosts: .ipLiteralOrName, ports: 1...65535)
        }
        let options = try DirectiveOptions(
            directive, from: 1, valued: ["weight", "max_fails", "fail_timeout"], flags: ["backup"])
        var server = UpstreamServerSpec(address)
        server.weight = try options.integer("weight", in: UpstreamServerSpec.weightLimit) ?? server.weight
        server.maxFails = try options.integer("max_fails", in: UpstreamServerSpec.maxFailsLimit) ?? server.maxFails
        server.failTimeout = try options.positiveDuration("fail_timeout") ?? server.failTimeout
        server.isBackup = options.flag("backup")
        return Located(server, at: directive.argument.location)
    }

    /// `health_check tcp|http [path=PATH] [interval=D] [rise=N] [fall=N] [timeout=D];`
    static func healthCheck(_ directive: Directive) throws(ConfigError) -> UpstreamHealthCheck {
        let kindArgument = directive.argument
        let isHTTP = try kindArgument.parsed(for: directive) { (text) throws(ValueError) in
            switch text {
            case "tcp": return false
            case "http": return true
            default: throw ValueError("expected tcp or http")
            }
        }
        let options = try DirectiveOptions(
            directive, from: 1, valued: ["path", "interval", "rise", "fall", "timeout"])
        if !isHTTP, let path = options.argument("path") {
            throw ConfigError("\"path\" applies to \"health_check http\" only", at: path.location)
        }
        let path = try options.value("path", Self.checkPath) ?? "/"
        var check = UpstreamHealthCheck(kind: isHTTP ? .http(path: path) : .tcp)
        check.interval = try options.positiveDuration("interval") ?? check.interval
        check.rise = try options.integer("rise", in: UpstreamHealthCheck.countLimit) ?? check.rise
        check.fall = try options.integer("fall", in: UpstreamHealthCheck.countLimit) ?? check.fall
        check.timeout = try options.positiveDuration("timeout") ?? check.timeout
        if check.timeout > check.interval {
            func describe(_ key: String, _ value: Duration) -> String {
                DurationSyntax.format(value) + (options.argument(key) == nil ? ", the default" : "")
            }
            let blamed = options.argument("timeout") ?? options.argument("interval") ?? kindArgument
            throw ConfigError(
                "health_check timeout (\(describe("timeout", check.timeout))) is greater than its interval "
                    + "(\(describe("interval", check.interval)))", at: blamed.location)
        }
        return check
    }

    /// An origin-form request target: `/` then printable ASCII without spaces.
    static func checkPath(_ text: String) throws(ValueError) -> String {
        guard text.hasPrefix("/"), text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ValueError("a path starts with / and has no spaces or control characters, such as /health")
        }
        return text
    }
}
