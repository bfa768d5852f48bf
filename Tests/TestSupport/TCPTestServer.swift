import CStapledShims
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback TCP server for tests: listens on 127.0.0.1 (port 0 by default), accepts on its own
/// thread and runs `handler` on one thread per connection. The connection is closed when the
/// handler returns. `stop()` (also run when the server goes away) stops accepting, wakes blocked
/// handlers by shutting their sockets down, waits for them (bounded) and closes every descriptor.
public final class TCPTestServer: Sendable {
    public typealias Handler = @Sendable (TCPStream) throws -> Void

    public let port: UInt16
    /// Used in thread names and error messages.
    public let name: String
    private let core: Core

    /// - Parameters:
    ///   - port: 0 picks a free port (read it from `port`).
    ///   - ioTimeout: each accepted socket's SO_RCVTIMEO/SO_SNDTIMEO, so no handler blocks forever.
    public init(name: String = "tcp", port: UInt16 = 0, ioTimeout: Duration = .seconds(30), handler: @escaping Handler)
        throws
    {
        let (fd, boundPort) = try LoopbackSocket.listen(port: port)
        self.name = name
        self.port = boundPort
        core = Core(name: name, listener: fd, ioTimeout: ioTimeout, handler: handler)
        let core = core
        let thread = Thread { core.acceptLoop() }
        thread.name = "\(name)-accept"
        thread.start()
    }

    /// Connections accepted so far.
    public var acceptedCount: Int { core.state.withLock { $0.accepted } }

    /// Connections whose handler is still running.
    public var openCount: Int { core.state.withLock { $0.open.count } }

    /// Errors thrown by handlers while the server was not stopping (a test can expect none).
    public var handlerErrors: [String] { core.state.withLock { $0.errors } }

    /// Waits until `count` connections have been accepted.
    public func waitForAccepted(_ count: Int, timeout: Duration = .seconds(10)) throws {
        let deadline = Deadline(after: timeout)
        while acceptedCount < count {
            if deadline.hasPassed {
                throw TestSupportError(.timedOut, "\(name).waitForAccepted(\(count))", "accepted \(acceptedCount)")
            }
            sleepThread(.milliseconds(5))
        }
    }

    /// Stops the server: no new connections, open ones shut down; waits up to `timeout` for its
    /// threads. Idempotent.
    public func stop(timeout: Duration = .seconds(5)) { core.stop(timeout: timeout) }

    deinit { core.stop(timeout: .seconds(5)) }

    /// What the server's threads share; they hold it, not the server, so dropping the server stops it.
    private final class Core: Sendable {
        struct State {
            var stopping = false
            var acceptLoopFinished = false
            var open: [ObjectIdentifier: TCPStream] = [:]
            var accepted = 0
            var errors: [String] = []
        }

        let name: String
        let listener: Int32
        let ioTimeout: Duration
        let handler: Handler
        let state = Mutex(State())

        init(name: String, listener: Int32, ioTimeout: Duration, handler: @escaping Handler) {
            self.name = name
            self.listener = listener
            self.ioTimeout = ioTimeout
            self.handler = handler
        }

        func stop(timeout: Duration) {
            let open = state.withLock { state -> [TCPStream] in
                state.stopping = true
                return Array(state.open.values)
            }
            open.forEach { $0.shutdownBoth() }
            let deadline = Deadline(after: timeout)
            while !deadline.hasPassed && state.withLock({ !$0.acceptLoopFinished || !$0.open.isEmpty }) {
                sleepThread(.milliseconds(2))
            }
        }

        func acceptLoop() {
            defer {
                close(listener)
                state.withLock { $0.acceptLoopFinished = true }
            }
            while !state.withLock({ $0.stopping }) {
                var pollfd = Glibc.pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&pollfd, 1, 50) == 1 else { continue }
                let fd = CStapledShims_accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
                guard fd >= 0 else { continue }
                LoopbackSocket.setTimeouts(fd, ioTimeout)
                let connection = TCPStream(adopting: fd)
                let admitted = state.withLock { state -> Bool in
                    guard !state.stopping else { return false }
                    state.accepted += 1
                    state.open[ObjectIdentifier(connection)] = connection
                    return true
                }
                guard admitted else {
                    connection.close()
                    return
                }
                let thread = Thread { self.serve(connection) }
                thread.name = "\(name)-conn"
                thread.start()
            }
        }

        private func serve(_ connection: TCPStream) {
            do {
                try handler(connection)
            } catch {
                state.withLock { state in
                    if !state.stopping { state.errors.append("\(error)") }
                }
            }
            connection.close()
            _ = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(connection)) }
        }
    }
}
