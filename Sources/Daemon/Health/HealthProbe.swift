import EventLoop
import Glibc
import Logging
import Proxy

/// Checks one upstream server every `interval` on the control loop, without blocking it: a
/// non-blocking connect (`health_check tcp`), then for `health_check http` a `GET PATH` whose
/// status must be 2xx or 3xx, all within `timeout`. `fall` consecutive failures mark an up
/// server down, `rise` consecutive passes bring a down one back; each transition is logged once.
final class HealthProbe {
    private enum Stage { case idle, connecting, sending, reading }

    let upstream: UpstreamRuntime
    /// The server's index in `upstream.servers`.
    let server: Int
    private let check: UpstreamRuntime.HealthCheck
    private let loop: EventLoop
    private let logger: Logger
    private var stage = Stage.idle
    private var fd: Int32 = -1
    private var io: IOWatcher
    private var ticker: LoopTimer?
    private var deadline: LoopTimer?
    private var passes = 0
    private var failures = 0
    /// HTTP: the request bytes and how many went out; the response's first bytes.
    private var request: [UInt8] = []
    private var sent = 0
    private var response: [UInt8] = []

    /// A status line longer than this is not HTTP.
    static let responseLimit = 1_024

    init(upstream: UpstreamRuntime, server: Int, check: UpstreamRuntime.HealthCheck, loop: EventLoop, logger: Logger) {
        self.upstream = upstream
        self.server = server
        self.check = check
        self.loop = loop
        self.logger = logger
        io = IOWatcher(fd: -1, callback: HealthProbe.socketEvent)
        io.watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        stop()
        io.deallocate(on: loop)
    }

    func start() {
        ticker = LoopTimer(loop: loop, after: 0, repeating: check.interval) { [unowned self] in self.begin() }
    }

    func stop() {
        ticker?.cancel()
        ticker = nil
        closeSocket()
    }

    private var target: UpstreamRuntime.Server { upstream.servers[server] }

    // MARK: - One check

    private func begin() {
        guard stage == .idle else { return }  // the previous check is still within its timeout
        switch TCPSocket.startConnect(to: target.address) {
        case .started(let fd):
            self.fd = fd
        case .noSocket(let reason):
            record(passed: false, reason: "socket: \(reason)")
            return
        case .failed(let reason):
            record(passed: false, reason: "connect: \(reason)")
            return
        }
        stage = .connecting
        io.reset(fd: fd, on: loop)
        io.update(events: IOWatcher.write, on: loop)
        deadline = LoopTimer(loop: loop, after: check.timeout) { [unowned self] in
            let reason = "no \(self.stage == .connecting ? "connection" : "response") within \(self.check.timeout)s"
            self.closeSocket()
            self.record(passed: false, reason: reason)
        }
    }

    private static let socketEvent: IOWatcher.Callback = { _, watcher, _ in
        guard let context = IOWatcher.context(of: watcher) else { return }
        Unmanaged<HealthProbe>.fromOpaque(context).takeUnretainedValue().socketReady()
    }

    private func socketReady() {
        switch stage {
        case .connecting:
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                return conclude(passed: false, reason: "connect: \(String(cString: strerror(error)))")
            }
            guard case .http(let path) = check.kind else { return conclude(passed: true, reason: "connected") }
            request = Array(
                ("GET \(path) HTTP/1.1\r\nHost: \(target.name)\r\nUser-Agent: stapled-health-check\r\n"
                    + "Accept: */*\r\nConnection: close\r\n\r\n").utf8)
            sent = 0
            response = []
            stage = .sending
            sendRequest()
        case .sending:
            sendRequest()
        case .reading:
            readResponse()
        case .idle:
            io.update(events: 0, on: loop)
        }
    }

    private func sendRequest() {
        let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n < 0 {
            guard errno == EAGAIN || errno == EINTR else {
                return conclude(passed: false, reason: "send: \(String(cString: strerror(errno)))")
            }
            return
        }
        sent += n
        guard sent == request.count else { return }
        stage = .reading
        io.update(events: IOWatcher.read, on: loop)
    }

    private func readResponse() {
        var chunk = [UInt8](repeating: 0, count: Self.responseLimit)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 {
            guard errno == EAGAIN || errno == EINTR else {
                return conclude(passed: false, reason: "receive: \(String(cString: strerror(errno)))")
            }
            return
        }
        guard n > 0 else { return conclude(passed: false, reason: "connection closed before a status line") }
        response += chunk[..<n]
        if let verdict = Self.judge(statusLineOf: response) {
            conclude(passed: verdict.passed, reason: verdict.reason)
        } else if response.count >= Self.responseLimit {
            conclude(passed: false, reason: "no HTTP status line in the first \(Self.responseLimit) bytes")
        }
    }

    /// `HTTP/1.1 204 No Content` → passed; `HTTP/1.1 503 ...` → failed; nil until the line is complete.
    static func judge(statusLineOf bytes: [UInt8]) -> (passed: Bool, reason: String)? {
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: bytes[..<end], as: UTF8.self).trimmingSuffix { $0 == "\r" }
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            return (false, "not an HTTP response: \(line.prefix(80))")
        }
        return ((200...399).contains(status), "HTTP \(status)")
    }

    // MARK: - Results

    private func conclude(passed: Bool, reason: String) {
        closeSocket()
        record(passed: passed, reason: reason)
    }

    private func closeSocket() {
        deadline?.cancel()
        deadline = nil
        io.update(events: 0, on: loop)
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        stage = .idle
    }

    private func record(passed: Bool, reason: String) {
        let server = target
        let metadata: Logger.Metadata = [
            "upstream": "\(upstream.name)", "server": "\(server)", "reason": "\(reason)", "by": "health_check",
        ]
        if passed {
            failures = 0
            passes += 1
            if !server.isHealthy && passes >= check.rise && server.setHealthy(true) {
                logger.notice("upstream server up", metadata: metadata)
            }
        } else {
            passes = 0
            failures += 1
            if server.isHealthy && failures >= check.fall && server.setHealthy(false) {
                logger.warning("upstream server down", metadata: metadata)
            } else {
                logger.debug("upstream health check failed", metadata: metadata)
            }
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return text
    }
}
