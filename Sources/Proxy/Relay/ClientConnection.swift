import COpenSSL
import CStapledShims
import EventLoop
import Glibc
import Logging
import TLS

/// One client connection in `mode tcp`: TLS handshake, connect to an upstream server chosen by
/// the worker's pool (the next one on failure), an optional PROXY protocol header, then relay
/// plaintext both ways with bounded buffers, backpressure and half-close.
///
/// Owns its `SSL`, both descriptors, its watchers and (while data is in flight) two pool buffers.
/// Lives on one worker thread from accept to close; the worker's connection list holds the only
/// strong reference, watchers carry an unretained pointer back to it.
final class ClientConnection: ListedConnection {
    enum Phase { case handshake, connecting, relaying, closed }

    unowned(unsafe) let worker: Worker
    /// The worker's loop and buffer pool, held here so the relay path reaches them through `self`
    /// (no retain and release around each use, as going through the unowned `worker` costs).
    private let loop: EventLoop
    private let buffers: BufferPool
    let frontend: FrontendRuntime
    let ssl: OpaquePointer
    let clientFD: Int32
    private let peerAddress: PeerAddress
    /// The client's address (rebuilt from the compact copy: for logs and headers only).
    var peer: SocketAddress { peerAddress.socketAddress }
    /// This worker's pool for the frontend's upstream (kept across a reload: the old generation's).
    let pool: UpstreamPool
    private(set) var upstreamFD: Int32 = -1
    /// The server being connected to or relayed to (an index into the upstream's servers); -1: none.
    private var server = -1
    /// Servers whose connect failed for this client (allocated only after a failure).
    private var tried: [Int] = []
    private(set) var phase = Phase.handshake

    private var watchers: ConnectionWatchers
    private var lastActivity: Double

    /// Bytes read from the client, waiting for the upstream; and the reverse.
    private var toUpstream = RelayBuffer()
    private var toClient = RelayBuffer()

    // What we believe each side can do without waiting (false: wait for the event).
    private var clientReadReady = true
    private var clientWriteReady = true
    private var upstreamReadReady = true
    private var upstreamWriteReady = true
    /// TLS may need the opposite direction to make progress (e.g. a read that must flush a KeyUpdate).
    private var sslReadWantsWrite = false
    private var sslWriteWantsRead = false

    private var clientEOF = false
    private var upstreamEOF = false
    private var upstreamWriteShut = false
    private var clientWriteShut = false

    /// Links in the worker's intrusive list of open connections.
    var next: ClientConnection?
    unowned(unsafe) var previous: ClientConnection?

    init(worker: Worker, frontend: FrontendRuntime, ssl: OpaquePointer, fd: Int32, peer: SocketAddress) {
        self.worker = worker
        loop = worker.loop
        buffers = worker.buffers
        self.frontend = frontend
        self.ssl = ssl
        self.clientFD = fd
        peerAddress = PeerAddress(peer)
        pool = worker.pool(for: frontend.upstream)
        lastActivity = loop.now
        // The context pointer is set below, once `self` exists.
        watchers = ConnectionWatchers(
            clientFD: fd, client: ClientConnection.clientEvent, upstream: ClientConnection.upstreamEvent,
            timer: ClientConnection.timerEvent)
        watchers.setContext(Unmanaged.passUnretained(self).toOpaque())
    }

    /// Starts the handshake: waits for the ClientHello under the handshake timeout.
    func start() {
        watchers.timer.start(after: frontend.handshakeTimeout, on: loop)
        watchers.client.update(events: IOWatcher.read, on: loop)
    }

    // MARK: - Event entry points (C callbacks → methods; no allocation)

    private static let clientEvent: IOWatcher.Callback = { _, watcher, events in
        guard let context = IOWatcher.context(of: watcher) else { return }
        Unmanaged<ClientConnection>.fromOpaque(context).takeUnretainedValue().clientReady(events)
    }

    private static let upstreamEvent: IOWatcher.Callback = { _, watcher, events in
        guard let context = IOWatcher.context(of: watcher) else { return }
        Unmanaged<ClientConnection>.fromOpaque(context).takeUnretainedValue().upstreamReady(events)
    }

    private static let timerEvent: TimerWatcher.Callback = { _, watcher, _ in
        guard let context = TimerWatcher.context(of: watcher) else { return }
        Unmanaged<ClientConnection>.fromOpaque(context).takeUnretainedValue().timerFired()
    }

    private func clientReady(_ events: Int32) {
        lastActivity = loop.now
        switch phase {
        case .handshake:
            handshake()
        case .relaying:
            if events & IOWatcher.read != 0 {
                clientReadReady = true
                if sslWriteWantsRead {
                    sslWriteWantsRead = false
                    clientWriteReady = true
                }
            }
            if events & IOWatcher.write != 0 {
                clientWriteReady = true
                if sslReadWantsWrite {
                    sslReadWantsWrite = false
                    clientReadReady = true
                }
            }
            relay()
        case .connecting, .closed:
            // Nothing is read from the client until the upstream is connected.
            watchers.client.update(events: 0, on: loop)
        }
    }

    private func upstreamReady(_ events: Int32) {
        lastActivity = loop.now
        switch phase {
        case .connecting:
            finishConnect()
        case .relaying:
            if events & IOWatcher.read != 0 { upstreamReadReady = true }
            if events & IOWatcher.write != 0 { upstreamWriteReady = true }
            relay()
        case .handshake, .closed:
            break
        }
    }

    private func timerFired() {
        switch phase {
        case .handshake:
            worker.logger.debug(
                "handshake timeout", metadata: ["frontend": "\(frontend.name)", "client": "\(peer)"])
            close()
        case .connecting:
            connectFailed(reason: "connect timeout after \(frontend.connectTimeout)s")
        case .relaying:
            let idle = loop.now - lastActivity
            if idle >= frontend.idleTimeout {
                worker.logger.debug("idle timeout", metadata: ["frontend": "\(frontend.name)", "client": "\(peer)"])
                close()
            } else {
                watchers.timer.start(after: frontend.idleTimeout - idle, on: loop)
            }
        case .closed:
            break
        }
    }

    // MARK: - Handshake

    private func handshake() {
        switch ServerTLS.handshake(
            ssl, counters: worker.counters, logger: worker.logger, frontend: frontend.name, peer: peer)
        {
        case .done:
            phase = .connecting
            watchers.client.update(events: 0, on: loop)
            connect()
        case .wantRead:
            watchers.client.update(events: IOWatcher.read, on: loop)
        case .wantWrite:
            watchers.client.update(events: IOWatcher.write, on: loop)
        case .failed:
            close()
        }
    }

    // MARK: - Upstream connect

    /// Tries servers in the pool's order, skipping those already tried; the first whose connect
    /// starts (or completes) wins.
    private func connect() {
        let servers = frontend.upstream.servers
        while let index = pool.nextServer(excluding: tried) {
            switch TCPSocket.startConnect(to: servers[index].address) {
            case .started(let fd):
                upstreamFD = fd
                server = index
                pool.requestStarted(index)
                watchers.upstream.reset(fd: fd, on: loop)
                watchers.upstream.update(events: IOWatcher.write, on: loop)
                watchers.timer.start(after: frontend.connectTimeout, on: loop)
                return
            case .noSocket(let reason):
                logConnectFailure(server: index, reason: reason)
            case .failed(let reason):
                pool.connectFailed(index)
                logConnectFailure(server: index, reason: reason)
            }
            tried.append(index)
        }
        worker.logger.error(
            "no upstream server reachable; closing client connection",
            metadata: ["frontend": "\(frontend.name)", "upstream": "\(frontend.upstreamName)", "client": "\(peer)"])
        close()
    }

    private func finishConnect() {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(upstreamFD, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            connectFailed(reason: String(cString: strerror(error)))
            return
        }
        pool.connectSucceeded(server)
        phase = .relaying
        watchers.timer.start(after: frontend.idleTimeout, on: loop)
        if let version = frontend.upstream.sendProxy { queueProxyHeader(version) }
        relay()
    }

    /// The connect to `server` failed or timed out: counts it against the server, then tries the next.
    private func connectFailed(reason: String) {
        watchers.upstream.update(events: 0, on: loop)
        Glibc.close(upstreamFD)
        upstreamFD = -1
        watchers.timer.stop(on: loop)
        let failed = server
        server = -1
        pool.requestFinished(failed)
        pool.connectFailed(failed)
        logConnectFailure(server: failed, reason: reason)
        tried.append(failed)
        connect()
    }

    /// Puts the PROXY protocol header in the (empty) buffer towards the upstream: the relay sends
    /// it before it reads anything from the client. No allocation: it is written into a pool buffer.
    private func queueProxyHeader(_ version: UpstreamRuntime.ProxyProtocol) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(clientFD, $0, &length) }
        }
        // Without the local address (it cannot really fail on a connected socket) the header says so.
        let local =
            named == 0 ? SocketAddress(storage: storage, length: length) : SocketAddress(storage: .init(), length: 0)
        let memory = toUpstream.memory ?? buffers.take()
        toUpstream.memory = memory
        let written = ProxyProtocolHeader.write(
            version, source: peer, destination: local, tls: ProxyProtocolHeader.TLSFacts(ssl: ssl),
            into: UnsafeMutableRawBufferPointer(start: memory, count: buffers.bufferSize))
        toUpstream.start = 0
        toUpstream.end = written ?? 0
    }

    private func logConnectFailure(server index: Int, reason: String) {
        worker.counters.upstreamConnectErrors += 1
        worker.logger.warning(
            "upstream connect failed",
            metadata: [
                "frontend": "\(frontend.name)", "upstream": "\(frontend.upstreamName)",
                "server": "\(frontend.upstream.servers[index])", "reason": "\(reason)",
            ])
    }

    /// The server relayed to, for logs.
    private var serverDescription: String { server >= 0 ? "\(frontend.upstream.servers[server])" : "none" }

    // MARK: - Relay

    /// Moves as many bytes as possible both ways, then watches exactly the events still needed.
    private func relay() {
        let pool = buffers
        var progressed = true
        while progressed && phase == .relaying {
            progressed = false

            // Client → upstream.
            if toUpstream.isEmpty && !clientEOF && clientReadReady && !sslReadWantsWrite {
                progressed = readFromClient(pool) || progressed
            }
            if !toUpstream.isEmpty && upstreamWriteReady {
                if !writeToUpstream() { return }
                toUpstream.releaseIfDrained(to: pool)
                progressed = progressed || toUpstream.isEmpty
            }
            if clientEOF && toUpstream.isEmpty && !upstreamWriteShut {
                upstreamWriteShut = true
                shutdown(upstreamFD, Int32(SHUT_WR))
            }

            // Upstream → client.
            if toClient.isEmpty && !upstreamEOF && upstreamReadReady {
                if !readFromUpstream(pool) { return }
            }
            if !toClient.isEmpty && clientWriteReady && !sslWriteWantsRead {
                if !writeToClient() { return }
                toClient.releaseIfDrained(to: pool)
                progressed = progressed || toClient.isEmpty
            }
            if upstreamEOF && toClient.isEmpty && !clientWriteShut && clientWriteReady {
                // close_notify (TLS's half-close), then FIN. When the socket cannot take the alert
                // now, wait until it is writable: a FIN without close_notify reads as truncation.
                if ServerTLS.sendCloseNotify(ssl) {
                    clientWriteShut = true
                    shutdown(clientFD, Int32(SHUT_WR))
                } else {
                    clientWriteReady = false
                }
            }
        }
        guard phase == .relaying else { return }
        if clientEOF && upstreamEOF && toUpstream.isEmpty && toClient.isEmpty && clientWriteShut {
            close()
            return
        }
        updateInterest()
    }

    /// Returns true when bytes arrived.
    private func readFromClient(_ pool: BufferPool) -> Bool {
        let memory = toUpstream.memory ?? pool.take()
        toUpstream.memory = memory
        let capacity = Int32(pool.bufferSize)
        let n = SSL_read(ssl, memory, capacity)
        if n > 0 {
            toUpstream.start = 0
            toUpstream.end = Int(n)
            worker.counters.bytesFromClients += UInt64(n)
            // A short read means the socket is drained: wait for the next event instead of a read
            // that would only return EAGAIN (level-triggered epoll reports any remaining data).
            if n < capacity && SSL_has_pending(ssl) == 0 { clientReadReady = false }
            return true
        }
        toUpstream.release(to: pool)
        switch SSL_get_error(ssl, n) {
        case SSL_ERROR_WANT_READ:
            clientReadReady = false
        case SSL_ERROR_WANT_WRITE:
            clientReadReady = false
            sslReadWantsWrite = true
            clientWriteReady = false
        case SSL_ERROR_ZERO_RETURN:
            clientEOF = true
        default:
            // An abrupt close or a TLS error: the client will send nothing more.
            let reason = OpenSSLErrorQueue.drain()
            if !reason.isEmpty {
                worker.logger.debug(
                    "TLS read failed", metadata: ["client": "\(peer)", "reason": "\(reason.joined(separator: "; "))"])
                close()
                return false
            }
            clientEOF = true
        }
        return false
    }

    /// Returns false when the connection was closed.
    private func writeToUpstream() -> Bool {
        guard let bytes = toUpstream.pendingBytes else { return true }
        let n = send(upstreamFD, bytes, toUpstream.pending, Int32(MSG_NOSIGNAL))
        if n > 0 {
            toUpstream.start += n
            if !toUpstream.isEmpty { upstreamWriteReady = false }
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EINTR) {
            upstreamWriteReady = false
            return true
        }
        worker.logger.debug(
            "upstream write failed",
            metadata: [
                "client": "\(peer)", "server": "\(serverDescription)",
                "reason": "\(String(cString: strerror(errno)))",
            ])
        close()
        return false
    }

    /// Returns false when the connection was closed.
    private func readFromUpstream(_ pool: BufferPool) -> Bool {
        let memory = toClient.memory ?? pool.take()
        toClient.memory = memory
        let n = recv(upstreamFD, memory, pool.bufferSize, 0)
        if n > 0 {
            toClient.start = 0
            toClient.end = n
            worker.counters.bytesToClients += UInt64(n)
            if n < pool.bufferSize { upstreamReadReady = false }
            return true
        }
        toClient.release(to: pool)
        if n == 0 {
            upstreamEOF = true
            return true
        }
        if errno == EAGAIN || errno == EINTR {
            upstreamReadReady = false
            return true
        }
        worker.logger.debug(
            "upstream read failed",
            metadata: [
                "client": "\(peer)", "server": "\(serverDescription)",
                "reason": "\(String(cString: strerror(errno)))",
            ])
        close()
        return false
    }

    /// Returns false when the connection was closed.
    private func writeToClient() -> Bool {
        guard let bytes = toClient.pendingBytes else { return true }
        let n = SSL_write(ssl, bytes, Int32(toClient.pending))
        if n > 0 {
            toClient.start += Int(n)
            if !toClient.isEmpty { clientWriteReady = false }
            return true
        }
        switch SSL_get_error(ssl, n) {
        case SSL_ERROR_WANT_WRITE:
            clientWriteReady = false
            return true
        case SSL_ERROR_WANT_READ:
            sslWriteWantsRead = true
            clientReadReady = false
            return true
        default:
            worker.logger.debug(
                "TLS write failed",
                metadata: ["client": "\(peer)", "reason": "\(OpenSSLErrorQueue.drain().joined(separator: "; "))"])
            close()
            return false
        }
    }

    /// Watches only what is needed: a side is read when its outgoing buffer is empty (backpressure),
    /// written when bytes wait for it. Unchanged sets cost no syscall.
    private func updateInterest() {
        var client: Int32 = 0
        if (!clientEOF && toUpstream.isEmpty && !clientReadReady && !sslReadWantsWrite) || sslWriteWantsRead {
            client |= IOWatcher.read
        }
        let closeNotifyWaits = upstreamEOF && toClient.isEmpty && !clientWriteShut && !clientWriteReady
        if (!toClient.isEmpty && !clientWriteReady && !sslWriteWantsRead) || sslReadWantsWrite || closeNotifyWaits {
            client |= IOWatcher.write
        }
        var upstream: Int32 = 0
        if !upstreamEOF && toClient.isEmpty && !upstreamReadReady { upstream |= IOWatcher.read }
        if !toUpstream.isEmpty && !upstreamWriteReady { upstream |= IOWatcher.write }
        watchers.client.update(events: client, on: loop)
        watchers.upstream.update(events: upstream, on: loop)
    }

    // MARK: - Close

    /// Closes both sides, frees everything, and leaves the worker's list. Safe to call twice.
    func close() {
        guard phase != .closed else { return }
        if !clientWriteShut && phase == .relaying {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)  // Best effort close_notify; never blocks (non-blocking socket).
        }
        phase = .closed
        watchers.deallocate(on: loop)
        toUpstream.release(to: buffers)
        toClient.release(to: buffers)
        SSL_free(ssl)
        ERR_clear_error()
        Glibc.close(clientFD)
        if upstreamFD >= 0 { Glibc.close(upstreamFD) }
        upstreamFD = -1
        if server >= 0 { pool.requestFinished(server) }
        server = -1
        worker.remove(self)
    }
}
