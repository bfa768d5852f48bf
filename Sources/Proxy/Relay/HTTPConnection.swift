import COpenSSL
import CStapledShims
import EventLoop
import Glibc
import Logging
import TLS

/// One client connection in `mode http`: TLS handshake, then HTTP/1.1 exchanges one at a time
/// (pipelined requests wait in the input buffer, answered in order), each forwarded to an
/// upstream server chosen by the worker's pool (an idle kept connection when there is one) with
/// its head rewritten; after a 101 (or a 2xx to CONNECT) it relays raw bytes both ways.
///
/// Buffers (all lent by the worker's pool only while they hold bytes): `clientIn` holds the
/// client's bytes — the head being parsed, then body bytes sent from there unchanged, then any
/// pipelined request; `toUpstream` holds the rewritten request head (kept until a response
/// arrives when the request could be sent again); `upstreamIn` holds the response; `toClient`
/// the rewritten response head, the first body bytes copied behind it (one TLS record for a small
/// response) and stapled's own error responses. Bodies are never copied otherwise.
///
/// Lives on one worker thread from accept to close; the worker's list holds the only strong
/// reference, watchers carry an unretained pointer back to it.
final class HTTPConnection: ListedConnection {
    enum Phase {
        case handshake
        /// HTTP exchanges.
        case active
        /// Raw relay after a protocol switch.
        case tunnel
        /// Writing the last bytes (a response with `Connection: close`, an error response).
        case flushing
        /// close_notify sent; reading what the client still sends until it closes.
        case lingering
        case closed
    }

    enum RequestState {
        /// Waiting for (or parsing) a request head.
        case head
        /// The head is parsed; its head and body are being forwarded.
        case body
        /// Everything of the request reached the upstream.
        case sent
    }

    enum ResponseState {
        /// No exchange in progress.
        case idle
        /// Waiting for (or parsing) a response head; interim 1xx heads pass through here.
        case head
        /// Forwarding the body of the final response.
        case body
    }

    enum UpstreamState { case none, connecting, connected }

    /// What the connection's one timer is waiting for.
    enum Wait {
        case handshake
        /// A complete request head (`request_timeout`).
        case requestHead
        /// The next request on a kept-alive connection (`idle_timeout`).
        case keepAlive
        case connect
        /// The response head (`upstream_timeout`).
        case response
        /// Traffic while a body or a tunnel is relayed (`idle_timeout`).
        case activity
        case linger
    }

    /// How long a closing connection reads (and drops) what the client still sends, so the
    /// kernel does not answer it with a reset that could destroy the response before it is read.
    static let lingerTime = 2.0

    unowned(unsafe) let worker: Worker
    let frontend: FrontendRuntime
    /// The frontend's `mode http` settings (read from it, not copied into every connection).
    var settings: HTTPSettings { frontend.http ?? HTTPSettings() }
    let pool: UpstreamPool
    let buffers: HTTPBufferSource
    let ssl: OpaquePointer
    let clientFD: Int32
    private let peerAddress: PeerAddress
    /// The client's address (rebuilt from the compact copy: for logs and headers only).
    var peer: SocketAddress { peerAddress.socketAddress }
    var phase = Phase.handshake

    var watchers: ConnectionWatchers
    var wait = Wait.handshake
    var lastActivity: Double

    var clientIn = HTTPStreamBuffer()
    var upstreamIn = HTTPStreamBuffer()
    var toUpstream = HTTPStreamBuffer()
    var toClient = HTTPStreamBuffer()
    /// Length of the request head kept in `toUpstream` to send again; 0: not kept.
    var replayLength = 0

    var requestScanner = HTTPHeadScanner()
    var responseScanner = HTTPHeadScanner()
    /// The first bytes of a request head have arrived (leading empty lines skipped).
    var headStarted = false
    var requestLineChecked = false

    // The current exchange.
    var requestState = RequestState.head
    var responseState = ResponseState.idle
    var request = ExchangeRequest()
    var requestBody = HTTPBodyCursor(.length(0))
    var responseBody = HTTPBodyCursor(.length(0))
    var responsePlan = HTTPResponseRewriter.Plan()
    /// The server lets the upstream connection persist after this response.
    var upstreamKeepsAlive = false
    /// A byte of a response to this request arrived: it is never sent again.
    var responseStarted = false
    /// Bytes of a final response went to the client: an error can no longer be answered.
    var finalResponseStarted = false
    var requestsServed = 0
    /// The daemon is stopping: the current response is the last.
    var draining = false

    var upstreamState = UpstreamState.none
    var upstreamFD: Int32 = -1
    /// The server of `upstreamFD` (an index into the upstream's servers); -1: none.
    var server = -1
    /// `upstreamFD` came from the pool's idle connections.
    var upstreamReused = false
    /// Servers that failed for this request (allocated only after a failure).
    var tried: [Int] = []
    /// Connections tried for this request.
    var attempts = 0
    var lastFailure = ""

    // What we believe each side can do without waiting (false: wait for the event).
    var clientReadReady = true
    var clientWriteReady = true
    var upstreamReadReady = true
    var upstreamWriteReady = true
    /// TLS may need the opposite direction to make progress (e.g. a read that must flush a KeyUpdate).
    var sslReadWantsWrite = false
    var sslWriteWantsRead = false

    var clientEOF = false
    var upstreamEOF = false
    /// Why the upstream ended (for logs): "closed" or the socket error.
    var upstreamEndReason = ""
    /// A write to the upstream failed: nothing more is sent; the response may still arrive.
    var upstreamWriteFailed = false
    var upstreamWriteShut = false
    var clientWriteShut = false

    /// Links in the worker's intrusive list of open HTTP connections.
    var next: HTTPConnection?
    unowned(unsafe) var previous: HTTPConnection?

    init(
        worker: Worker, frontend: FrontendRuntime, ssl: OpaquePointer, fd: Int32,
        peer: SocketAddress
    ) {
        self.worker = worker
        self.frontend = frontend
        self.ssl = ssl
        self.clientFD = fd
        peerAddress = PeerAddress(peer)
        pool = worker.pool(for: frontend.upstream)
        buffers = HTTPBufferSource(pool: worker.buffers, minimumCapacity: frontend.http?.maxRequestHeader ?? 0)
        lastActivity = worker.loop.now
        // The context pointer is set below, once `self` exists.
        watchers = ConnectionWatchers(
            clientFD: fd, client: HTTPConnection.clientEvent, upstream: HTTPConnection.upstreamEvent,
            timer: HTTPConnection.timerEvent)
        watchers.setContext(Unmanaged.passUnretained(self).toOpaque())
    }

    /// Starts the handshake: waits for the ClientHello under the handshake timeout.
    func start() {
        arm(.handshake, after: frontend.handshakeTimeout)
        watchers.client.update(events: IOWatcher.read, on: worker.loop)
    }

    var isOpen: Bool { phase != .closed }

    // MARK: - Event entry points (C callbacks → methods; no allocation)

    private static let clientEvent: IOWatcher.Callback = { _, watcher, events in
        guard let context = IOWatcher.context(of: watcher) else { return }
        Unmanaged<HTTPConnection>.fromOpaque(context).takeUnretainedValue().clientReady(events)
    }

    private static let upstreamEvent: IOWatcher.Callback = { _, watcher, events in
        guard let context = IOWatcher.context(of: watcher) else { return }
        Unmanaged<HTTPConnection>.fromOpaque(context).takeUnretainedValue().upstreamReady(events)
    }

    private static let timerEvent: TimerWatcher.Callback = { _, watcher, _ in
        guard let context = TimerWatcher.context(of: watcher) else { return }
        Unmanaged<HTTPConnection>.fromOpaque(context).takeUnretainedValue().timerFired()
    }

    private func clientReady(_ events: Int32) {
        lastActivity = worker.loop.now
        if phase == .handshake {
            handshake()
            return
        }
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
        pump()
    }

    private func upstreamReady(_ events: Int32) {
        lastActivity = worker.loop.now
        if upstreamState == .connecting {
            finishConnect()
            return
        }
        if events & IOWatcher.read != 0 { upstreamReadReady = true }
        if events & IOWatcher.write != 0 { upstreamWriteReady = true }
        pump()
    }

    // MARK: - Timer

    /// Waits for `kind` from now: the timer fires after `seconds`.
    func arm(_ kind: Wait, after seconds: Double) {
        wait = kind
        watchers.timer.start(after: seconds, on: worker.loop)
    }

    private func timerFired() {
        let idle = worker.loop.now - lastActivity
        switch wait {
        case .handshake:
            worker.logger.debug(
                "handshake timeout", metadata: ["frontend": "\(frontend.name)", "client": "\(peer)"])
            close(notify: false)
        case .requestHead:
            if headStarted {
                refuse(.requestTimeout, reason: "no complete request head within \(settings.requestTimeout)s")
            } else {
                worker.logger.debug(
                    "no request within request_timeout",
                    metadata: ["frontend": "\(frontend.name)", "client": "\(peer)"])
                beginClosing()
            }
            pump()
        case .keepAlive:
            guard idle >= frontend.idleTimeout else {
                watchers.timer.start(after: frontend.idleTimeout - idle, on: worker.loop)
                return
            }
            beginClosing()
            pump()
        case .connect:
            connectFailed(reason: "connect timeout after \(frontend.connectTimeout)s")
            if isOpen { pump() }
        case .response:
            answerUpstreamFailure(
                .gatewayTimeout, reason: "no response head within upstream_timeout (\(settings.upstreamTimeout)s)")
            pump()
        case .activity:
            guard idle >= frontend.idleTimeout else {
                watchers.timer.start(after: frontend.idleTimeout - idle, on: worker.loop)
                return
            }
            worker.logger.debug(
                "idle timeout", metadata: ["frontend": "\(frontend.name)", "client": "\(peer)"])
            close(notify: phase == .tunnel)
        case .linger:
            close(notify: false)
        }
    }

    // MARK: - Interest

    /// Watches only what is needed: a side is read while its buffer has room (backpressure),
    /// written while bytes wait for it. Unchanged sets cost no syscall.
    func updateInterest() {
        var client: Int32 = 0
        if (wantsClientRead && !clientReadReady && !sslReadWantsWrite) || sslWriteWantsRead {
            client |= IOWatcher.read
        }
        let closeNotifyWaits =
            !clientWriteReady && ((phase == .flushing && !hasClientOutput) || tunnelAwaitsCloseNotify)
        if (hasClientOutput && !clientWriteReady && !sslWriteWantsRead) || sslReadWantsWrite || closeNotifyWaits {
            client |= IOWatcher.write
        }
        var upstream: Int32 = 0
        switch upstreamState {
        case .connecting:
            upstream = IOWatcher.write
        case .connected:
            if wantsUpstreamRead && !upstreamReadReady { upstream |= IOWatcher.read }
            if hasUpstreamOutput && !upstreamWriteReady { upstream |= IOWatcher.write }
        case .none:
            break
        }
        watchers.client.update(events: client, on: worker.loop)
        watchers.upstream.update(events: upstream, on: worker.loop)
    }

    // MARK: - Close

    /// The daemon is stopping: a connection waiting for a request closes now (close_notify); one in an exchange
    /// closes after its response, which says `Connection: close`. Tunnels run on until the
    /// shutdown timeout.
    func drain() {
        draining = true
        guard phase == .active, responseState == .idle, !headStarted, clientIn.isEmpty else { return }
        // Nothing is unread: no need to linger.
        close(notify: true)
    }

    /// Stops taking requests: once the bytes for the client are written, sends close_notify and
    /// lingers. The upstream connection must already be released or closed.
    func beginClosing() {
        guard phase == .active || phase == .tunnel else { return }
        phase = .flushing
        // A client that stops reading cannot hold the connection longer than idle_timeout.
        arm(.activity, after: frontend.idleTimeout)
    }

    /// Closes both sides, frees everything, and leaves the worker's list. `notify` sends a
    /// close_notify first (best effort); without it a client can tell the stream was cut.
    /// Safe to call twice.
    func close(notify: Bool = true) {
        guard phase != .closed else { return }
        let loop = worker.loop
        if notify && !clientWriteShut && phase != .handshake {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)  // Never blocks (non-blocking socket).
        }
        phase = .closed
        watchers.deallocate(on: loop)
        clientIn.release(to: buffers)
        upstreamIn.release(to: buffers)
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

/// What the connection keeps of the request being answered once its head is consumed.
struct ExchangeRequest {
    var method = HTTPMethod.get
    var version = HTTPVersion.http11
    var keepsAlive = true
    var isUpgrade = false
    /// Safe to send again on another connection (idempotent, no body).
    var isReplayable = false
}
