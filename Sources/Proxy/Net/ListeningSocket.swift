import Glibc

/// A non-blocking listening TCP socket with `SO_REUSEPORT`, so each worker can own one for the
/// same address and the kernel spreads connections between them.
public final class ListeningSocket: Sendable {
    public let fd: Int32
    /// The bound address (with the real port when port 0 was asked for).
    public let address: SocketAddress

    public init(binding requested: SocketAddress, backlog: Int32 = 511) throws(SocketError) {
        let fd = socket(
            requested.family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket", address: requested.description) }
        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size)
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size)
        if requested.family == AF_INET6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, size) }
        let bound = requested.withSockAddr { bind(fd, $0, $1) }
        guard bound == 0 else {
            let error = SocketError("bind", address: requested.description)
            close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = SocketError("listen", address: requested.description)
            close(fd)
            throw error
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        address = SocketAddress(storage: storage, length: length)
    }

    deinit { close(fd) }
}

/// A socket call that failed, with errno's text.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var address: String
    public var code: Int32
    public init(_ operation: String, address: String, code: Int32 = errno) {
        self.operation = operation
        self.address = address
        self.code = code
    }
    public var description: String { "\(operation) \(address): \(String(cString: strerror(code)))" }
}
