import Config
import EventLoop
import Glibc
import Logging

/// The admin endpoint (`admin ADDR;`): plain HTTP/1.1 on the control loop, serving `GET /metrics`,
/// `GET /status` and `POST /ocsp/refresh`.
///
/// Non-blocking and bounded: at most `Limits.maxConnections` connections (more are answered 503
/// and closed), a request head of at most `Limits.maxHeadBytes`, one request per connection
/// (`Connection: close`), and a deadline per connection. Nothing here touches the workers' data
/// path: counters are read with relaxed atomic loads on each request.
///
/// Once started, the server stays registered on its loop, like a watcher, until `close()`: the
/// daemon does not have to keep a reference. Every method must be called on the loop's thread.
final class AdminServer {
    /// How much one client may ask of the endpoint.
    struct Limits: Sendable {
        var maxConnections = 32
        /// Request line and headers, up to and including the blank line.
        var maxHeadBytes = 8 * 1024
        /// A request body is read and discarded (no endpoint takes one); larger ones are refused.
        var maxBodyBytes = 8 * 1024
        /// From accept to the last byte of the response, in seconds.
        var requestTimeout = 10.0
        /// After the response: how long unread input is drained before closing, in seconds, so
        /// the kernel does not reset the connection under a response the client has not read yet.
        var lingerTimeout = 2.0

        init() {}
    }

    /// The bound address (for TCP with the real port when port 0 was configured).
    let address: AdminAddress
    let loop: EventLoop
    let router: AdminRouter
    let logger: Logger
    let limits: Limits
    private let socket: AdminListeningSocket
    private var listenIO: IOWatcher
    private var connections: [ObjectIdentifier: AdminConnection] = [:]
    /// The loop's registration: set while open, so the server lives without an owner.
    private var registration: AdminServer?

    /// Binds `address` and starts accepting on `loop`.
    init(
        address: AdminAddress, loop: EventLoop, source: AdminDataSource, logger: Logger, limits: Limits = Limits()
    ) throws(AdminSocketError) {
        socket = try AdminListeningSocket(address)
        self.address = socket.address
        self.loop = loop
        self.router = AdminRouter(source: source)
        self.logger = logger
        self.limits = limits
        listenIO = IOWatcher(fd: socket.fd, callback: AdminServer.acceptable)
        listenIO.watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        listenIO.update(events: IOWatcher.read, on: loop)
        registration = self
    }

    /// Starts the endpoint configured by `admin ADDR;`, or does nothing when there is none.
    /// A socket that cannot be bound is a start-up error located at the directive.
    @discardableResult
    static func start(
        _ admin: Located<AdminAddress>?, on loop: EventLoop, source: AdminDataSource, logger: Logger
    ) throws(StartupError) -> AdminServer? {
        guard let admin else { return nil }
        let server: AdminServer
        do {
            server = try AdminServer(address: admin.value, loop: loop, source: source, logger: logger)
        } catch {
            throw StartupError("admin: \(error)", at: admin.location)
        }
        logger.info("admin endpoint listening", metadata: ["address": "\(server.address.text)"])
        return server
    }

    /// Stops accepting, closes every admin connection and the socket (removing a unix socket
    /// file), and releases the loop's registration. Idempotent.
    func close() {
        guard registration != nil else { return }
        listenIO.update(events: 0, on: loop)
        for connection in connections.values { connection.close() }
        connections.removeAll()
        socket.close()
        registration = nil
    }

    /// Admin connections open now.
    var connectionCount: Int { connections.count }

    deinit { listenIO.deallocate(on: loop) }

    func connectionClosed(_ connection: AdminConnection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    private static let acceptable: IOWatcher.Callback = { _, watcher, _ in
        guard let context = IOWatcher.context(of: watcher) else { return }
        let server = Unmanaged<AdminServer>.fromOpaque(context).takeUnretainedValue()
        withExtendedLifetime(server) { server.acceptBatch() }
    }

    private func acceptBatch() {
        for _ in 0..<16 {
            let fd = accept(socket.fd, nil, nil)
            guard fd >= 0 else {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return
                case EINTR, ECONNABORTED, EPROTO: continue
                default:
                    // Out of descriptors and the like: the backlog keeps the client until the next event.
                    logger.warning(
                        "admin endpoint: accept failed",
                        metadata: ["address": "\(address.text)", "reason": "\(String(cString: strerror(errno)))"])
                    return
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            guard connections.count < limits.maxConnections else {
                AdminConnection.refuse(
                    fd, AdminResponse.text(503, "too many admin connections; retry", headers: [("Retry-After", "1")]))
                logger.warning(
                    "admin endpoint: connection limit reached; refused a connection",
                    metadata: ["max_connections": "\(limits.maxConnections)"])
                continue
            }
            let connection = AdminConnection(server: self, fd: fd)
            connections[ObjectIdentifier(connection)] = connection
            connection.start()
        }
    }
}

extension AdminAddress {
    /// `127.0.0.1:9199`, `[::1]:9199`, or the socket path.
    var text: String {
        switch self {
        case .tcp(let hostPort): hostPort.description
        case .unix(let path): path
        }
    }
}
