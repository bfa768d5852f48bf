import COpenSSL
import EventLoop
import Glibc
import Logging
import Synchronization
import TLS

/// One worker thread: its own libev loop, its own listening sockets, its connections.
///
/// Everything here runs on the worker's thread except `submit`, which queues a closure for the
/// loop and wakes it (the only cross-thread entry).
// @unchecked Sendable: mutable state is touched only on the worker's thread; other threads use
// `submit`, whose queue is guarded by a Mutex and whose wake-up is ev_async_send.
public final class Worker: @unchecked Sendable {
    public let index: Int
    public let loop: EventLoop
    public let counters = WorkerCounters()
    let logger: Logger
    let buffers = BufferPool()
    /// The `mode http` head parser of every connection on this thread: a head is parsed and
    /// rewritten within one event, so one field list serves them all (one per connection would
    /// keep about 1.3 KiB in every idle connection).
    var headParser = HTTPHeadParser()
    private var acceptors: [Acceptor] = []
    /// One pool per upstream runtime in use, keyed by the runtime's identity (the pool holds the
    /// runtime, so a key is never reused while its entry exists).
    private var pools: [ObjectIdentifier: UpstreamPool] = [:]
    private var connections = ConnectionList<ClientConnection>()
    /// Open connections of `mode http` frontends.
    private var httpConnections = ConnectionList<HTTPConnection>()
    private var wakeUp: AsyncWatcher?
    private let inbox = Mutex<[@Sendable (Worker) -> Void]>([])
    private var thread = pthread_t()
    private var onIdle: (() -> Void)?

    public init(index: Int, logger: Logger) {
        self.index = index
        self.loop = EventLoop()
        var logger = logger
        logger[metadataKey: "worker"] = "\(index)"
        self.logger = logger
    }

    /// Adds a listening socket for `frontend`; call before `start`, or on the worker thread.
    public func listen(on socket: ListeningSocket, frontend: FrontendRuntime) {
        acceptors.append(Acceptor(worker: self, socket: socket, frontend: frontend))
    }

    /// Starts the thread and its loop.
    public func start() {
        let wake = AsyncWatcher(loop: loop) { [unowned self] in self.drainInbox() }
        wakeUp = wake
        for acceptor in acceptors { acceptor.start() }
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                let worker = Unmanaged<Worker>.fromOpaque(context).takeRetainedValue()
                worker.loop.run()
                return nil
            }, context)
        precondition(status == 0, "pthread_create failed: \(String(cString: strerror(status)))")
    }

    /// Runs `work` on the worker's thread soon. Callable from any thread.
    public func submit(_ work: @escaping @Sendable (Worker) -> Void) {
        inbox.withLock { $0.append(work) }
        wakeUp?.send()
    }

    /// Waits for the thread to end (after `stopLoop`).
    public func join() { pthread_join(thread, nil) }

    private func drainInbox() {
        let work = inbox.withLock { queue in
            defer { queue.removeAll() }
            return queue
        }
        for item in work { item(self) }
    }

    // MARK: - On the worker thread

    /// Stops accepting new connections; open ones continue.
    public func stopAccepting() {
        for acceptor in acceptors { acceptor.stop() }
    }

    /// Stops accepting and releases this worker's listening sockets (they close once the daemon
    /// has released its references too). Open connections continue.
    public func closeListeners() {
        stopAccepting()
        acceptors.removeAll()
        retirePools(keeping: [])
        drainHTTPConnections()
    }

    /// Makes `listeners` this worker's listening sockets (a reload): sockets kept from before
    /// get the new frontend runtime for their next connections, new ones start accepting, and the
    /// ones no longer listed stop. Open connections are not touched. On the worker thread.
    public func apply(listeners: [(socket: ListeningSocket, frontend: FrontendRuntime)]) {
        var kept: [Acceptor] = []
        for (socket, frontend) in listeners {
            if let existing = acceptors.first(where: { $0.socket === socket }) {
                existing.frontend = frontend
                kept.append(existing)
            } else {
                let acceptor = Acceptor(worker: self, socket: socket, frontend: frontend)
                acceptor.start()
                kept.append(acceptor)
            }
        }
        for acceptor in acceptors where !kept.contains(where: { $0 === acceptor }) { acceptor.stop() }
        acceptors = kept
        retirePools(keeping: Set(listeners.map { ObjectIdentifier($0.frontend.upstream) }))
    }

    /// This worker's pool for `upstream`, created on first use. On the worker thread.
    public func pool(for upstream: UpstreamRuntime) -> UpstreamPool {
        let key = ObjectIdentifier(upstream)
        if let pool = pools[key] { return pool }
        let pool = UpstreamPool(upstream: upstream, loop: loop, logger: logger)
        pools[key] = pool
        return pool
    }

    /// Closes the idle connections of pools whose runtime new connections no longer use (after a
    /// reload, or all of them when stopping); open connections keep their pool and still balance.
    private func retirePools(keeping current: Set<ObjectIdentifier>) {
        for (key, pool) in pools where !current.contains(key) {
            pool.retire()
            pools[key] = nil
        }
    }

    /// Calls `body` once no connection is open (immediately if none is).
    public func whenIdle(_ body: @escaping () -> Void) {
        if connections.isEmpty && httpConnections.isEmpty { body() } else { onIdle = body }
    }

    /// Closes every open connection now.
    public func closeAll() {
        while let connection = connections.head { connection.close() }
        while let connection = httpConnections.head { connection.close() }
    }

    /// Ends the loop; the thread returns and can be joined.
    public func stopLoop() {
        stopAccepting()
        acceptors.removeAll()
        retirePools(keeping: [])
        wakeUp = nil
        loop.stop()
    }

    func open(fd: Int32, peer: SocketAddress, frontend: FrontendRuntime) {
        guard let ssl = SSL_new(frontend.tls.defaultContext.pointer) else {
            logger.error("SSL_new failed", metadata: ["reason": "\(OpenSSLErrorQueue.drain())"])
            Glibc.close(fd)
            return
        }
        SSL_set_fd(ssl, fd)
        SSL_set_accept_state(ssl)
        TCPSocket.setNoDelay(fd)
        if frontend.http != nil {
            openHTTP(HTTPConnection(worker: self, frontend: frontend, ssl: ssl, fd: fd, peer: peer))
            return
        }
        let connection = ClientConnection(worker: self, frontend: frontend, ssl: ssl, fd: fd, peer: peer)
        connections.insert(connection)
        counters.connectionsAccepted += 1
        counters.connectionsOpen += 1
        connection.start()
    }

    func remove(_ connection: ClientConnection) {
        connections.remove(connection)
        connectionClosed()
    }

    func remove(_ connection: HTTPConnection) {
        httpConnections.remove(connection)
        connectionClosed()
    }

    private func connectionClosed() {
        counters.connectionsOpen -= 1
        if connections.isEmpty && httpConnections.isEmpty, let onIdle {
            self.onIdle = nil
            onIdle()
        }
    }

    /// The daemon is stopping: idle `mode http` connections close now, busy ones after their
    /// current response.
    private func drainHTTPConnections() {
        var connection = httpConnections.head
        while let current = connection {
            connection = current.next
            current.drain()
        }
    }

    private func openHTTP(_ connection: HTTPConnection) {
        httpConnections.insert(connection)
        counters.connectionsAccepted += 1
        counters.connectionsOpen += 1
        connection.start()
    }
}
