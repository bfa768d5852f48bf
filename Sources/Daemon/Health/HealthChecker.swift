import EventLoop
import Logging
import Proxy

/// Active health checks of one generation's upstream servers, run once per daemon on the control
/// loop (not per worker): one `HealthProbe` per server of every upstream with `health_check`.
/// Results go into each server's shared health flag, which every worker reads when it chooses.
///
/// A reload builds a new checker for the new generation; `inheritHealth(from:)` carries over the
/// state of servers that stay, so a server known to be down is not sent traffic again until it
/// has passed `rise` checks.
final class HealthChecker {
    private let probes: [HealthProbe]

    init(upstreams: [UpstreamRuntime], loop: EventLoop, logger: Logger) {
        var probes: [HealthProbe] = []
        for upstream in upstreams {
            guard let check = upstream.healthCheck else { continue }
            for index in upstream.servers.indices {
                probes.append(HealthProbe(upstream: upstream, server: index, check: check, loop: loop, logger: logger))
            }
        }
        self.probes = probes
    }

    /// Whether anything is checked at all.
    var isEmpty: Bool { probes.isEmpty }

    /// Copies each server's health from the same upstream and address in `previous` (call before
    /// the new generation goes live). Servers of upstreams without checks keep "up": nothing
    /// would ever bring them back otherwise.
    func inheritHealth(from previous: [UpstreamRuntime]) {
        for probe in probes {
            let upstream = probe.upstream
            let server = upstream.servers[probe.server]
            guard let old = previous.first(where: { $0.name == upstream.name }),
                let match = old.servers.first(where: { $0.address == server.address && $0.name == server.name })
            else { continue }
            server.setHealthy(match.isHealthy)
        }
    }

    /// Starts checking: the first check of every server at once, then every `interval`.
    func start() {
        for probe in probes { probe.start() }
    }

    /// Stops every check and closes its socket.
    func stop() {
        for probe in probes { probe.stop() }
    }
}
