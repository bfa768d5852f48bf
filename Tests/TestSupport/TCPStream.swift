import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP connection whose every read and write times out (SO_RCVTIMEO/SO_SNDTIMEO).
/// Used as a plain-TCP test client and as the connection handed to `TCPTestServer` handlers.
/// The descriptor is closed by `close()` or when the object goes away.
public final class TCPStream: Sendable {
    private let descriptor: Mutex<Int32>

    init(adopting fd: Int32) { descriptor = Mutex(fd) }

    /// Connects to `host`:`port` (an IPv4 literal); the connect, and later every read and write,
    /// fail after `timeout`.
    public static func connect(host: String = "127.0.0.1", port: UInt16, timeout: Duration = .seconds(10)) throws
        -> TCPStream
    {
        TCPStream(adopting: try LoopbackSocket.connect(host: host, port: port, timeout: timeout))
    }

    /// The socket, or -1 once closed.
    public var fileDescriptor: Int32 { descriptor.withLock { $0 } }

    /// Writes all of `bytes` (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
    public func write(_ bytes: [UInt8]) throws {
        let fd = fileDescriptor
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress.map { $0 + written }, bytes.count - written, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.ioError("write", errno)
            }
            written += n
        }
    }

    /// Writes the UTF-8 bytes of `text`.
    public func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Reads up to `maxBytes`; an empty result means the peer closed its side (EOF).
    public func read(maxBytes: Int = 65_536) throws -> [UInt8] {
        let fd = fileDescriptor
        var buffer = [UInt8](repeating: 0, count: maxBytes)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, maxBytes, 0) }
            if n >= 0 { return Array(buffer[0..<n]) }
            if errno != EINTR { throw Self.ioError("read", errno) }
        }
    }

    /// Reads until EOF; throws if more than `limit` bytes arrive.
    public func readToEOF(limit: Int = 64 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        while true {
            let chunk = try read()
            if chunk.isEmpty { return result }
            result += chunk
            if result.count > limit {
                throw TestSupportError(.protocolViolation, "readToEOF", "more than \(limit) bytes")
            }
        }
    }

    /// Reads until `delimiter` has been seen (included in the result) or EOF.
    public func read(through delimiter: [UInt8], limit: Int = 1 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        while !result.ends(with: delimiter) {
            let byte = try read(maxBytes: 1)
            if byte.isEmpty { break }
            result += byte
            if result.count > limit {
                throw TestSupportError(.protocolViolation, "read(through:)", "more than \(limit) bytes")
            }
        }
        return result
    }

    /// Half-closes: `shutdown(SHUT_WR)` sends FIN; reading still works.
    public func shutdownWrite() {
        let fd = fileDescriptor
        if fd >= 0 { shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Closes with a TCP reset instead of a FIN (SO_LINGER 0), for abrupt-peer tests.
    public func reset() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            Glibc.close(fd)
            fd = -1
        }
    }

    /// Wakes any thread blocked on this socket (used by servers when stopping); does not close.
    func shutdownBoth() {
        descriptor.withLock { fd in
            if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    public func close() {
        descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    deinit { close() }

    static func ioError(_ operation: String, _ error: Int32) -> TestSupportError {
        if error == EAGAIN || error == EWOULDBLOCK {
            return TestSupportError(.timedOut, operation, "no progress before the socket timeout")
        }
        return TestSupportError.systemCall(operation, errno: error)
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
