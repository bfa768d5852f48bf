/// Builds an `Upstream` from `upstream NAME { server HOST:PORT [options]; ... }`: servers, balancing,
/// keep-alive, health checks and the PROXY protocol. Server and health check options are in
/// `UpstreamBlockBuilder+Options.swift`.
enum UpstreamBlockBuilder {
    static let keepaliveLimit = 0...65_535

    static func build(_ directive: Directive, name: String) throws(ConfigError) -> Upstream {
        var upstream = Upstream(name: name, servers: [], location: directive.location)
        try DirectiveChecker.forEach(directive.block?.directives ?? [], in: .upstream) {
            (directive) throws(ConfigError) in
            switch directive.name {
            case "server":
                upstream.servers.append(try server(directive))
            case "balance":
                upstream.balance = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
                    guard let balance = UpstreamBalance(rawValue: text) else {
                        throw ValueError("expected round_robin or least_conn")
                    }
                    return balance
                }
            case "keepalive":
                upstream.keepalive = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
                    try NumberSyntax.integer(text, in: keepaliveLimit)
                }
            case "keepalive_timeout":
                upstream.keepaliveTimeout = try directive.duration()
            case "health_check":
                upstream.healthCheck = try healthCheck(directive)
            case "send_proxy":
                upstream.sendProxy = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
                    guard let version = ProxyProtocolVersion(rawValue: text) else {
                        throw ValueError("expected v1 or v2")
                    }
                    return version
                }
            default:
                preconditionFailure("\"\(directive.name)\" is in the upstream schema but has no builder")
            }
        }
        guard !upstream.servers.isEmpty else {
            throw ConfigError(
                "upstream \"\(name)\" has no servers; add \"server HOST:PORT;\"", at: directive.argument.location)
        }
        guard upstream.servers.contains(where: { !$0.value.isBackup }) else {
            throw ConfigError(
                "upstream \"\(name)\" has only backup servers; at least one server must not be \"backup\"",
                at: directive.argument.location)
        }
        return upstream
    }
}
