extension CrossBlockChecks {
    /// A `mode http` frontend sends requests over connections it may reuse for other clients, so
    /// it sends no PROXY protocol header: an upstream that expects one (`send_proxy`) would read
    /// every request as garbage. Refused at the frontend's `upstream` argument.
    static func checkHTTPUpstreams(_ config: StapledConfig) throws(ConfigError) {
        for frontend in config.frontends where frontend.mode == .http {
            guard let upstream = config.upstream(named: frontend.upstream.value), upstream.sendProxy != nil else {
                continue
            }
            throw ConfigError(
                "upstream \"\(upstream.name)\" has \"send_proxy\", which mode http does not send (frontend "
                    + "\"\(frontend.name)\" forwards the client's address in X-Forwarded-For); remove send_proxy "
                    + "or use mode tcp",
                at: frontend.upstream.location)
        }
    }
}
