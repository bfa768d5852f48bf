#if canImport(Glibc)
    import Glibc
#endif

/// A port that was free on every local address (IPv4 and IPv6) a moment ago: bound to port 0,
/// read back, closed. Another process may take it before the caller binds it; use it where the
/// port must be known in advance (an OCSP URL baked into a certificate) and bind soon after.
public func freeLoopbackPort() throws -> UInt16 {
    if let port = try? LoopbackSocket.probePort(family: AF_INET6) { return port }
    return try LoopbackSocket.probePort(family: AF_INET)
}

/// Socket helpers shared by the test servers and clients. Every descriptor is close-on-exec, so
/// spawned children never inherit one (a child holding a listening socket keeps its port busy).
enum LoopbackSocket {
    /// Ignores SIGPIPE in this (test) process once, so writing to a closed socket is an EPIPE
    /// error instead of killing the test runner. Spawned children get default dispositions back.
    static let ignoreSIGPIPE: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    static func probePort(family: Int32) throws -> UInt16 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError.systemCall("socket") }
        defer { close(fd) }
        if family == AF_INET6 {
            var no: Int32 = 0
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &no, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_any
            try bind(fd, &address)
        } else {
            var address = loopbackAddress(port: 0)
            try bind(fd, &address)
        }
        return try localPort(fd)
    }

    /// A listening TCP socket on 127.0.0.1:`port` (0: any free port). Returns it and its port.
    static func listen(port: UInt16 = 0, backlog: Int32 = 128) throws -> (fd: Int32, port: UInt16) {
        _ = ignoreSIGPIPE
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError.systemCall("socket") }
        do {
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = loopbackAddress(port: port)
            try bind(fd, &address)
            guard Glibc.listen(fd, backlog) == 0 else { throw TestSupportError.systemCall("listen") }
            return (fd, try localPort(fd))
        } catch {
            close(fd)
            throw error
        }
    }

    /// A connected, blocking TCP socket to `host`:`port` (an IPv4 literal) whose reads and writes
    /// time out after `timeout`; the connect itself is bounded by `timeout` too.
    static func connect(host: String, port: UInt16, timeout: Duration) throws -> Int32 {
        _ = ignoreSIGPIPE
        var address = loopbackAddress(port: port)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw TestSupportError(.systemCall, "connect(\(host):\(port))", "not an IPv4 address literal")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError.systemCall("socket") }
        do {
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if rc != 0 {
                guard errno == EINPROGRESS else { throw TestSupportError.systemCall("connect(\(host):\(port))") }
                var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&pollfd, 1, Int32(clamping: timeout.milliseconds))
                guard ready == 1 else {
                    throw TestSupportError(.timedOut, "connect(\(host):\(port))", "no connection after \(timeout)")
                }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else { throw TestSupportError.systemCall("connect(\(host):\(port))", errno: error) }
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            setTimeouts(fd, timeout)
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// SO_RCVTIMEO and SO_SNDTIMEO: a blocked read or write fails with EAGAIN after `timeout`.
    static func setTimeouts(_ fd: Int32, _ timeout: Duration) {
        var value = timeout.timeval
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    static func loopbackAddress(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    private static func bind<Address>(_ fd: Int32, _ address: inout Address) throws {
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard rc == 0 else { throw TestSupportError.systemCall("bind") }
    }

    private static func localPort(_ fd: Int32) throws -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw TestSupportError.systemCall("getsockname") }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin6_port)
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                UInt16(bigEndian: $0.pointee.sin_port)
            }
        }
    }
}
