/// Checks that span blocks, run once every block is built: each frontend's upstream is declared
/// (anywhere in the file), and no address is listened on twice. `SO_REUSEPORT` would otherwise let
/// two frontends bind the same address and silently split its connections between them.
enum CrossBlockChecks {
    static func check(_ config: StapledConfig) throws(ConfigError) {
        let declared = config.upstreams.map(\.name)
        for frontend in config.frontends where !declared.contains(frontend.upstream.value) {
            var message = "unknown upstream \"\(frontend.upstream.value)\" in frontend \"\(frontend.name)\""
            if let suggestion = EditDistance.suggestion(for: frontend.upstream.value, among: declared) {
                message += "; did you mean \"\(suggestion)\"?"
            } else if declared.isEmpty {
                message += "; declare it with \"upstream \(frontend.upstream.value) { server HOST:PORT; }\""
            } else {
                message += "; declared upstreams: \(declared.joined(separator: ", "))"
            }
            throw ConfigError(message, at: frontend.upstream.location)
        }
        try checkHTTPUpstreams(config)

        var bound: [ListenKey: (frontend: String, location: SourceLocation)] = [:]
        for frontend in config.frontends {
            for listen in frontend.listens where listen.value.port != 0 {
                guard let address = try? IPAddress.parse(listen.value.host) else { continue }
                let key = ListenKey(address: address, port: listen.value.port)
                if let first = bound[key] {
                    throw ConfigError(
                        "\(listen.value) is already a listen address of frontend \"\(first.frontend)\" at \(first.location)",
                        at: listen.location)
                }
                bound[key] = (frontend.name, listen.location)
            }
        }
    }

    private struct ListenKey: Hashable {
        var address: IPAddress
        var port: UInt16
    }
}
