import Config
import Proxy

extension Generation {
    /// The runtime of an upstream block: every `server` resolved (a name gives one server per
    /// address, each with the line's options), policies converted for the workers.
    static func runtime(of upstream: Upstream) throws(StartupError) -> UpstreamRuntime {
        var servers: [UpstreamRuntime.Server] = []
        for located in upstream.servers {
            let spec = located.value
            switch SocketAddress.resolve(host: spec.address.host, port: spec.address.port) {
            case .success(let addresses):
                for address in addresses {
                    servers.append(
                        UpstreamRuntime.Server(
                            address: address, name: "\(spec.address)", weight: spec.weight, maxFails: spec.maxFails,
                            failTimeout: spec.failTimeout.seconds, isBackup: spec.isBackup))
                }
            case .failure(let error):
                throw StartupError("upstream \(upstream.name): \(error)", at: located.location)
            }
        }
        return UpstreamRuntime(
            name: upstream.name, servers: servers,
            balance: upstream.balance == .leastConnections ? .leastConnections : .roundRobin,
            keepaliveConnections: upstream.keepalive, keepaliveTimeout: upstream.keepaliveTimeout.seconds,
            healthCheck: upstream.healthCheck.map(Self.healthCheck),
            sendProxy: upstream.sendProxy.map { $0 == .v1 ? .v1 : .v2 })
    }

    private static func healthCheck(_ check: UpstreamHealthCheck) -> UpstreamRuntime.HealthCheck {
        let kind: UpstreamRuntime.HealthCheck.Kind
        switch check.kind {
        case .tcp: kind = .tcp
        case .http(let path): kind = .http(path: path)
        }
        return UpstreamRuntime.HealthCheck(
            kind: kind, interval: check.interval.seconds, timeout: check.timeout.seconds, rise: check.rise,
            fall: check.fall)
    }
}
