#if canImport(Glibc)
    import Glibc
#endif

/// A loopback listener that never accepts, with its accept queue filled: a further connect hangs
/// in SYN-SENT, which is how a black-holed responder address looks to the client.
final class UnacceptingListener {
    let port: Int
    private let listener: Int32
    private var fillers: [Int32] = []

    init() {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listener = self.listener
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(listener, pointer, length)
                _ = listen(listener, 0)
                _ = getsockname(listener, pointer, &length)
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        // Connect until one attempt no longer completes: the queue is then full (1 or 2 entries
        // with a backlog of 0, depending on the kernel).
        for _ in 0..<8 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var flags = fcntl(fd, F_GETFL)
            flags |= O_NONBLOCK
            _ = fcntl(fd, F_SETFL, flags)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&descriptor, 1, 200) == 1 {
                fillers.append(fd)
            } else {
                close(fd)
                break
            }
        }
    }

    deinit {
        fillers.forEach { close($0) }
        close(listener)
    }
}
