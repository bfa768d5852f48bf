/// Builds an `Upstream` from `upstream NAME { server HOST:PORT; ... }`.
enum UpstreamBlockBuilder {
    static func build(_ directive: Directive, name: String) throws(ConfigError) -> Upstream {
        var servers: [Located<HostPort>] = []
        try DirectiveChecker.forEach(directive.block?.directives ?? [], in: .upstream) {
            (server) throws(ConfigError) in
            let address = try server.argument.parsed(for: server) { (text) throws(ValueError) in
                try AddressSyntax.hostPort(text, hosts: .ipLiteralOrName, ports: 1...65535)
            }
            servers.append(Located(address, at: server.argument.location))
        }
        guard !servers.isEmpty else {
            throw ConfigError(
                "upstream \"\(name)\" has no servers; add \"server HOST:PORT;\"", at: directive.argument.location)
        }
        return Upstream(name: name, servers: servers, location: directive.location)
    }
}
