import CStapledShims
import Config
import Glibc
import Proxy

/// The listening sockets of the daemon: per listen address, one `SO_REUSEPORT` socket per worker.
///
/// A reload reuses the sockets of every address that is still configured (never closed and
/// re-bound, so no connection attempt is refused), binds the new ones and closes the rest.
struct ListenerSet {
    /// A configured listen address. Port 0 ("any free port") is per frontend: two frontends that
    /// both ask for `127.0.0.1:0` get a port each.
    struct Key: Hashable {
        var address: HostPort
        var frontend: String?

        init(_ address: HostPort, frontend: String) {
            self.address = address
            self.frontend = address.port == 0 ? frontend : nil
        }
    }

    /// Keyed by the address as configured (so `127.0.0.1:0` keeps the port it got).
    private(set) var sockets: [Key: [ListeningSocket]] = [:]

    /// The sockets for `generation`, reusing ours; the result replaces `self` once the reload
    /// commits. Nothing here closes a socket: dropped ones close when released.
    func binding(_ generation: Generation, workers: Int) throws(StartupError) -> (ListenerSet, [Key]) {
        var next = ListenerSet()
        var added: [Key] = []
        for frontend in generation.frontends {
            for listen in frontend.config.listens {
                let key = Key(listen.value, frontend: frontend.config.name)
                if let existing = sockets[key] {
                    next.sockets[key] = existing
                    continue
                }
                guard var address = SocketAddress(ipLiteral: listen.value.host, port: listen.value.port) else {
                    throw StartupError("listen: \(listen.value) is not an IP address", at: listen.location)
                }
                if listen.value.port != 0, let owner = Self.otherListener(on: address) {
                    throw StartupError("listen: \(owner)", at: listen.location)
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
                next.sockets[key] = perWorker
                added.append(key)
            }
        }
        return (next, added)
    }

    /// With `SO_REUSEPORT` a second process of the same user could bind the same address without
    /// an error and silently take a share of its connections. A probe bind without the option
    /// fails when anyone else listens there: that is reported as "address in use" instead.
    private static func otherListener(on address: SocketAddress) -> String? {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.family == AF_INET6 {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        guard address.withSockAddr({ bind(fd, $0, $1) }) != 0, errno == EADDRINUSE else { return nil }
        return "bind \(address): address already in use (another process listens there)"
    }

    /// What worker `index` listens on, with the frontend runtime of `generation`.
    func listeners(of generation: Generation, worker index: Int) -> [(
        socket: ListeningSocket, frontend: FrontendRuntime
    )] {
        generation.frontends.flatMap { frontend in
            frontend.config.listens.compactMap { listen in
                sockets[Key(listen.value, frontend: frontend.config.name)].map { ($0[index], frontend.runtime) }
            }
        }
    }

    /// The bound address of a configured listen address (the real port for port 0).
    func boundAddress(of key: Key) -> SocketAddress? { sockets[key]?.first?.address }
}
