import Glibc

/// The socket calls the relays and the health checks make: `TCP_NODELAY` on every client and
/// upstream socket, and the non-blocking connect to an upstream server.
public enum TCPSocket {
    /// How starting a connect went.
    public enum ConnectStart {
        /// Under way or done: `fd` becomes writable when it has finished.
        case started(fd: Int32)
        /// No socket could be made here (out of descriptors): not the server's fault.
        case noSocket(reason: String)
        /// The connect failed at once (the socket is closed): the server's fault.
        case failed(reason: String)
    }

    public static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// A non-blocking, close-on-exec TCP socket with `TCP_NODELAY`, connecting to `address`.
    public static func startConnect(to address: SocketAddress) -> ConnectStart {
        let fd = socket(
            address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            0)
        guard fd >= 0 else { return .noSocket(reason: String(cString: strerror(errno))) }
        setNoDelay(fd)
        let result = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if result == 0 || errno == EINPROGRESS { return .started(fd: fd) }
        let reason = String(cString: strerror(errno))
        Glibc.close(fd)
        return .failed(reason: reason)
    }
}
