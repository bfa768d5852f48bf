import CStapledShims
import Config
import Glibc
import Proxy

/// The admin endpoint's non-blocking listening socket: TCP, or a unix socket file.
///
/// TCP binds without `SO_REUSEPORT`, so a second daemon on the same address fails to start instead
/// of silently taking half the scrapes. A unix socket replaces a stale file left by a daemon that
/// is gone, never a live one nor a file that is not a socket; it is mode 0660 before it accepts,
/// and `close()` removes it if it is still the one this object created.
final class AdminListeningSocket {
    let fd: Int32
    /// The bound address: for TCP with the real port when port 0 was asked for.
    let address: AdminAddress
    /// The unix socket file's device and inode, to remove only our own file.
    private let unixFile: (path: String, device: UInt64, inode: UInt64)?
    private var closed = false

    static let unixMode: mode_t = 0o660

    init(_ requested: AdminAddress, backlog: Int32 = 64) throws(AdminSocketError) {
        switch requested {
        case .tcp(let hostPort):
            (fd, address) = try Self.bindTCP(hostPort, backlog: backlog)
            unixFile = nil
        case .unix(let path):
            let (fd, device, inode) = try Self.bindUnix(path, backlog: backlog)
            self.fd = fd
            address = requested
            unixFile = (path, device, inode)
        }
    }

    deinit { close() }

    /// Closes the socket and removes the unix socket file if it is still ours.
    func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(fd)
        if let unixFile, let identity = Self.identity(of: unixFile.path), identity == (unixFile.device, unixFile.inode)
        {
            unlink(unixFile.path)
        }
    }

    private static func bindTCP(_ hostPort: HostPort, backlog: Int32) throws(AdminSocketError) -> (Int32, AdminAddress)
    {
        let text = hostPort.description
        guard let requested = SocketAddress(ipLiteral: hostPort.host, port: hostPort.port) else {
            throw AdminSocketError("bind", address: text, reason: "not an IP address")
        }
        let fd = socket(
            requested.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", address: text) }
        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size)
        if requested.family == AF_INET6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, size) }
        guard requested.withSockAddr({ bind(fd, $0, $1) }) == 0 else {
            let error = AdminSocketError.system("bind", address: text)
            _ = Glibc.close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = AdminSocketError.system("listen", address: text)
            _ = Glibc.close(fd)
            throw error
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let bound = SocketAddress(storage: storage, length: length)
        return (fd, .tcp(HostPort(host: bound.host, port: bound.port)))
    }

    private static func bindUnix(_ path: String, backlog: Int32) throws(AdminSocketError) -> (Int32, UInt64, UInt64) {
        guard var address = UnixSocketAddress(path: path) else {
            throw AdminSocketError(
                "bind", address: path, reason: "the path is longer than \(UnixSocketAddress.maximumPathBytes) bytes")
        }
        try removeStaleSocket(path, address: address)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", address: path) }
        func fail(_ operation: String) -> AdminSocketError {
            let error = AdminSocketError.system(operation, address: path)
            _ = Glibc.close(fd)
            return error
        }
        guard address.withSockAddr({ bind(fd, $0, $1) }) == 0 else { throw fail("bind") }
        // Before listen(): until then a connect is refused, so the umask-made mode is never usable.
        guard chmod(path, unixMode) == 0 else {
            let error = fail("chmod 0660")
            unlink(path)
            throw error
        }
        guard let identity = identity(of: path) else {
            let error = fail("stat")
            unlink(path)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = fail("listen")
            unlink(path)
            throw error
        }
        return (fd, identity.device, identity.inode)
    }

    /// A socket file nobody listens on (a daemon killed before it could remove it) is removed; a
    /// live one, or a file of another kind, is an error that names the problem.
    private static func removeStaleSocket(_ path: String, address: UnixSocketAddress) throws(AdminSocketError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .system("stat", address: path)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw AdminSocketError(
                "bind", address: path, reason: "the path exists and is not a socket; not removing it")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { throw .system("socket", address: path) }
        var probeAddress = address
        let connected = probeAddress.withSockAddr { connect(probe, $0, $1) } == 0
        let code = errno
        _ = Glibc.close(probe)
        if connected {
            throw AdminSocketError(
                "bind", address: path,
                reason: "another process is listening on this socket (is stapled already running?)")
        }
        guard code == ECONNREFUSED else {
            throw .system("connect (probing an existing socket)", address: path, code: code)
        }
        guard unlink(path) == 0 || errno == ENOENT else { throw .system("unlink stale socket", address: path) }
    }

    private static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}

/// A `sockaddr_un` for a filesystem path.
struct UnixSocketAddress {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maximumPathBytes = 107

    private var storage = sockaddr_un()

    init?(path: String) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maximumPathBytes, !bytes.contains(0) else { return nil }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { target in
            target.copyBytes(from: bytes)
            target[bytes.count] = 0
        }
    }

    mutating func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
