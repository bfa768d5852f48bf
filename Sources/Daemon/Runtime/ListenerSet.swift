import Config
import Proxy

/// The listening sockets of the daemon: per listen address, one `SO_REUSEPORT` socket per worker.
///
/// A reload reuses the sockets of every address that is still configured (never closed and
/// re-bound, so no connection attempt is refused), binds the new ones and closes the rest.
struct ListenerSet {
    /// Keyed by the address as configured (so `127.0.0.1:0` keeps the port it got).
    private(set) var sockets: [HostPort: [ListeningSocket]] = [:]

    /// The sockets for `generation`, reusing ours; the result replaces `self` once the reload
    /// commits. Nothing here closes a socket: dropped ones close when released.
    func binding(_ generation: Generation, workers: Int) throws(StartupError) -> (ListenerSet, [HostPort]) {
        var next = ListenerSet()
        var added: [HostPort] = []
        for frontend in generation.frontends {
            for listen in frontend.config.listens {
                if let existing = sockets[listen.value] {
                    next.sockets[listen.value] = existing
                    continue
                }
                guard var address = SocketAddress(ipLiteral: listen.value.host, port: listen.value.port) else {
                    throw StartupError("listen: \(listen.value) is not an IP address", at: listen.location)
                }
                var perWorker: [ListeningSocket] = []
                for _ in 0..<workers {
                    do {
                        let socket = try ListeningSocket(binding: address)
                        address = socket.address  // Port 0: the others bind the port the first got.
                        perWorker.append(socket)
                    } catch {
                        throw StartupError("listen: \(error)", at: listen.location)
                    }
                }
                next.sockets[listen.value] = perWorker
                added.append(listen.value)
            }
        }
        return (next, added)
    }

    /// What worker `index` listens on, with the frontend runtime of `generation`.
    func listeners(of generation: Generation, worker index: Int) -> [(
        socket: ListeningSocket, frontend: FrontendRuntime
    )] {
        generation.frontends.flatMap { frontend in
            frontend.config.listens.compactMap { listen in
                sockets[listen.value].map { ($0[index], frontend.runtime) }
            }
        }
    }

    /// The bound address of a configured listen address (the real port for port 0).
    func boundAddress(of listen: HostPort) -> SocketAddress? { sockets[listen]?.first?.address }
}
