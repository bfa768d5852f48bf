import CStapledShims
import Glibc

/// A non-blocking TCP socket whose every wait goes through `poll(2)` with a deadline. It owns its
/// file descriptor and closes it in `deinit`.
final class TransportSocket: TransportStream {
    let fd: Int32
    /// The address this socket is connected to.
    let remote: OCSPSocketAddress

    private init(fd: Int32, remote: OCSPSocketAddress) {
        self.fd = fd
        self.remote = remote
    }

    deinit { close(fd) }

    /// How one connection attempt ended when it did not connect.
    enum ConnectFailure: Error {
        case timedOut
        case failed(String)
    }

    /// Connects to `address`, waiting no longer than `deadline`.
    static func connect(to address: OCSPSocketAddress, deadline: TransportDeadline) throws(ConnectFailure)
        -> TransportSocket
    {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | CStapledShims_SOCK_NONBLOCK_CLOEXEC(), 0)
        guard fd >= 0 else { throw .failed("socket: \(Self.errnoText())") }
        let connection = TransportSocket(fd: fd, remote: address)
        var noDelay: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))

        let status = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if status == 0 { return connection }
        guard errno == EINPROGRESS || errno == EINTR else { throw .failed(Self.errnoText()) }
        guard deadline.wait(for: fd, events: Int16(POLLOUT)) else { throw .timedOut }
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length) == 0 else { throw .failed(Self.errnoText()) }
        guard socketError == 0 else { throw .failed(String(cString: strerror(socketError))) }
        return connection
    }

    func write(_ bytes: [UInt8], deadline: TransportDeadline, phase: OCSPTransportError.Phase)
        throws(OCSPTransportError.Reason)
    {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                guard deadline.wait(for: fd, events: Int16(POLLOUT)) else { throw .timeout(phase) }
            } else {
                throw .ioFailed(phase, Self.errnoText())
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: TransportDeadline, phase: OCSPTransportError.Phase)
        throws(OCSPTransportError.Reason) -> Int
    {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw .ioFailed(phase, Self.errnoText())
            }
            guard deadline.wait(for: fd, events: Int16(POLLIN)) else { throw .timeout(phase) }
        }
    }

    /// `strerror(errno)`.
    static func errnoText() -> String { String(cString: strerror(errno)) }
}
