import CStapledShims
import Config
import Glibc
import Proxy

/// A response from the admin endpoint.
struct AdminHTTPResponse: Sendable {
    var status: Int
    /// Header names lower-cased, in order.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }
}

/// The `stapled status` side of the admin endpoint: one request per connection, over TCP or a unix
/// socket, with one deadline for connect, request and response together, so an unresponsive
/// daemon can never hang the command.
struct AdminHTTPClient: Sendable {
    var timeout: Duration
    var maxResponseBytes: Int

    init(timeout: Duration = .seconds(5), maxResponseBytes: Int = 16 << 20) {
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    func request(_ method: String, _ path: String, at address: AdminAddress) throws(AdminClientError)
        -> AdminHTTPResponse
    {
        let deadline = ContinuousClock.now + timeout
        let fd = try connect(to: address, deadline: deadline)
        defer { close(fd) }
        let host = if case .tcp(let hostPort) = address { hostPort.description } else { "localhost" }
        let request =
            "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: stapled-status\r\nAccept: */*\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n"
        try send(Array(request.utf8), fd: fd, address: address, deadline: deadline)
        let bytes = try receive(fd: fd, address: address, deadline: deadline)
        return try AdminHTTPResponseParser.parse(bytes, from: address)
    }

    // MARK: - Socket steps

    private func connect(to address: AdminAddress, deadline: ContinuousClock.Instant) throws(AdminClientError) -> Int32
    {
        switch address {
        case .unix(let path):
            guard var target = UnixSocketAddress(path: path) else {
                throw AdminClientError(.invalidAddress, "the unix socket path \(path) is too long")
            }
            return try connect(family: AF_UNIX, address: address, deadline: deadline) { fd in
                target.withSockAddr { Glibc.connect(fd, $0, $1) }
            }
        case .tcp(let hostPort):
            let resolved: [SocketAddress]
            switch SocketAddress.resolve(host: Self.connectHost(hostPort.host), port: hostPort.port) {
            case .success(let addresses): resolved = addresses
            case .failure(let error): throw AdminClientError(.unreachable, "stapled status: \(error)")
            }
            var lastError = AdminClientError(.unreachable, "no address")
            for target in resolved {
                do {
                    return try connect(family: target.family, address: address, deadline: deadline) { fd in
                        target.withSockAddr { Glibc.connect(fd, $0, $1) }
                    }
                } catch {
                    lastError = error
                }
            }
            throw lastError
        }
    }

    /// A wildcard listen address is reached through loopback.
    static func connectHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "*": "127.0.0.1"
        case "::": "::1"
        default: host
        }
    }

    private func connect(
        family: Int32, address: AdminAddress, deadline: ContinuousClock.Instant, _ call: (Int32) -> Int32
    ) throws(AdminClientError) -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.unreachable(address, errno) }
        if call(fd) != 0 {
            let code = errno
            guard code == EINPROGRESS || code == EAGAIN else {
                close(fd)
                throw Self.unreachable(address, code)
            }
            guard Self.wait(fd, for: Int16(POLLOUT), until: deadline) else {
                close(fd)
                throw timedOut(address, "connecting")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                close(fd)
                throw Self.unreachable(address, error)
            }
        }
        return fd
    }

    private func send(_ bytes: [UInt8], fd: Int32, address: AdminAddress, deadline: ContinuousClock.Instant)
        throws(AdminClientError)
    {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress.map { $0 + sent }, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n >= 0 {
                sent += n
                continue
            }
            let code = errno
            if code == EINTR { continue }
            guard code == EAGAIN || code == EWOULDBLOCK else { throw ioFailure(address, "sending the request", code) }
            guard Self.wait(fd, for: Int16(POLLOUT), until: deadline) else {
                throw timedOut(address, "sending the request")
            }
        }
    }

    private func receive(fd: Int32, address: AdminAddress, deadline: ContinuousClock.Instant) throws(AdminClientError)
        -> [UInt8]
    {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                result += chunk[0..<n]
                guard result.count <= maxResponseBytes else {
                    throw AdminClientError(
                        .badResponse, "the response from \(address.text) is larger than \(maxResponseBytes) bytes")
                }
                if AdminHTTPResponseParser.isComplete(result) { return result }
                continue
            }
            if n == 0 { return result }
            let code = errno
            if code == EINTR { continue }
            guard code == EAGAIN || code == EWOULDBLOCK else { throw ioFailure(address, "reading the response", code) }
            guard Self.wait(fd, for: Int16(POLLIN), until: deadline) else {
                throw timedOut(address, "waiting for the response")
            }
        }
    }

    /// True when `fd` is ready before the deadline.
    private static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let parts = left.components
            let milliseconds = Int32(clamping: parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000 + 1)
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
    }

    // MARK: - Errors an operator can act on

    static func unreachable(_ address: AdminAddress, _ code: Int32) -> AdminClientError {
        var message = "cannot connect to the admin endpoint at \(address.text): \(String(cString: strerror(code)))"
        switch code {
        case EACCES, EPERM:
            message += "; the socket is mode 0660: run as root or as a member of its group"
        default:
            message += "; is stapled running, with \"admin \(address.text);\" in its configuration?"
        }
        return AdminClientError(.unreachable, message)
    }

    private func timedOut(_ address: AdminAddress, _ step: String) -> AdminClientError {
        AdminClientError(.timedOut, "the admin endpoint at \(address.text) did not answer within \(timeout) (\(step))")
    }

    private func ioFailure(_ address: AdminAddress, _ step: String, _ code: Int32) -> AdminClientError {
        AdminClientError(.unreachable, "admin endpoint at \(address.text): \(step): \(String(cString: strerror(code)))")
    }
}
