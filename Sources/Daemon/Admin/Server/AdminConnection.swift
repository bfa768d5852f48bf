import CStapledShims
import EventLoop
import Glibc

/// One admin client: reads one request (head, then any body, discarded), answers it, then drains
/// the client's leftover input until it closes or `lingerTimeout` passes, and closes.
///
/// Owned by the server's connection table; its watcher carries an unretained pointer back to it.
/// One timer bounds the whole exchange (`requestTimeout`), then the linger.
final class AdminConnection {
    private enum Phase {
        case head
        case body(AdminRequestHead, remaining: Int)
        case writing
        case lingering
        case closed
    }

    /// Valid while the connection is open: the server closes its connections before it goes.
    private unowned let server: AdminServer
    /// Held strongly: `deinit` may run after the server's.
    private let loop: EventLoop
    private let fd: Int32
    private var io: IOWatcher
    private var timer: LoopTimer?
    private var phase = Phase.head
    private var inbound: [UInt8] = []
    /// Where the search for the end of the head resumes: a client sending a byte at a time must
    /// not make every read rescan the whole head.
    private var scanned = 0
    private var outbound: [UInt8] = []
    private var written = 0

    init(server: AdminServer, fd: Int32) {
        self.server = server
        self.loop = server.loop
        self.fd = fd
        io = IOWatcher(fd: fd, callback: AdminConnection.event)
        io.watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        if case .closed = phase {} else { _ = Glibc.close(fd) }
        io.deallocate(on: loop)
    }

    func start() {
        timer = LoopTimer(loop: loop, after: server.limits.requestTimeout) { [unowned self] in self.timedOut() }
        io.update(events: IOWatcher.read, on: loop)
    }

    /// Answers a connection over the limit without reading its request (best effort, one write).
    static func refuse(_ fd: Int32, _ response: AdminResponse) {
        let bytes = response.bytes
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        _ = Glibc.close(fd)
    }

    /// Stops watching and closes the descriptor; the server forgets the connection.
    func close() {
        if case .closed = phase { return }
        phase = .closed
        io.update(events: 0, on: loop)
        timer = nil
        _ = Glibc.close(fd)
        server.connectionClosed(self)
    }

    private static let event: IOWatcher.Callback = { _, watcher, events in
        guard let context = IOWatcher.context(of: watcher) else { return }
        let connection = Unmanaged<AdminConnection>.fromOpaque(context).takeUnretainedValue()
        withExtendedLifetime(connection) {
            if events & IOWatcher.write != 0 { connection.flush() }
            if events & IOWatcher.read != 0 { connection.readable() }
        }
    }

    private func readable() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            switch phase {
            case .head, .body, .lingering: break
            case .writing, .closed: return
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK { close() }
                return
            }
            if n == 0 {
                close()  // The client went away (or, lingering, finished): nobody to answer.
                return
            }
            switch phase {
            case .lingering: continue  // Discarded.
            case .head:
                inbound.append(contentsOf: chunk[0..<n])
                headArrived()
            case .body(let request, let remaining):
                let remaining = remaining - n
                if remaining <= 0 {
                    dispatch(request)
                } else {
                    phase = .body(request, remaining: remaining)
                }
            case .writing, .closed:
                return
            }
        }
    }

    private func headArrived() {
        let limits = server.limits
        let found = AdminRequestHead.endOfHead(in: inbound, from: scanned)
        scanned = max(0, inbound.count - 3)
        guard let end = found, end <= limits.maxHeadBytes else {
            if inbound.count > limits.maxHeadBytes {
                respond(.text(431, "the request head is larger than \(limits.maxHeadBytes) bytes"))
            }
            return
        }
        switch AdminRequestHead.parse(inbound[..<end]) {
        case .failure(let response):
            respond(response)
        case .success(let request):
            guard request.contentLength <= limits.maxBodyBytes else {
                respond(.text(413, "request bodies are limited to \(limits.maxBodyBytes) bytes"))
                return
            }
            let remaining = request.contentLength - (inbound.count - end)
            inbound = []
            if remaining <= 0 {
                dispatch(request)
            } else {
                phase = .body(request, remaining: remaining)
            }
        }
    }

    private func dispatch(_ request: AdminRequestHead) {
        let response = server.router.respond(to: request)
        server.logger.debug(
            "admin request",
            metadata: ["method": "\(request.method)", "path": "\(request.path)", "status": "\(response.status)"])
        respond(response)
    }

    private func respond(_ response: AdminResponse) {
        inbound = []
        outbound = response.bytes
        written = 0
        phase = .writing
        flush()
    }

    /// Writes what the socket takes; waits for writability when it takes no more.
    private func flush() {
        guard case .writing = phase else { return }
        while written < outbound.count {
            let n = outbound.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress.map { $0 + written }, buffer.count - written, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    io.update(events: IOWatcher.write, on: loop)
                } else {
                    close()
                }
                return
            }
            written += n
        }
        outbound = []
        linger()
    }

    /// The response is out: half-close, then drain the client's input until it closes.
    private func linger() {
        phase = .lingering
        shutdown(fd, Int32(SHUT_WR))
        timer = LoopTimer(loop: loop, after: server.limits.lingerTimeout) { [unowned self] in self.close() }
        io.update(events: IOWatcher.read, on: loop)
        readable()
    }

    private func timedOut() {
        switch phase {
        case .head where inbound.isEmpty:
            close()  // Connected and said nothing: no answer owed.
        case .head, .body:
            respond(.text(408, "the request did not arrive within \(server.limits.requestTimeout) seconds"))
        case .writing, .lingering, .closed:
            close()
        }
    }
}
