import Glibc

/// An IPv4 or IPv6 socket address, stored inline (no allocation to pass it to the kernel).
public struct SocketAddress: Sendable, Equatable, CustomStringConvertible {
    public private(set) var storage = sockaddr_storage()
    public private(set) var length: socklen_t = 0

    public var family: Int32 { Int32(storage.ss_family) }

    /// Parses an IP literal (no brackets) and a port; nil when `host` is not a literal.
    public init?(ipLiteral host: String, port: UInt16) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr = v4
            self.init(copying: &address, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = v6
            self.init(copying: &address, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
        } else {
            return nil
        }
    }

    /// Copies a kernel-provided address.
    public init<T>(copying address: UnsafePointer<T>, length: socklen_t) {
        withUnsafeMutableBytes(of: &storage) { target in
            let count = min(Int(length), target.count)
            target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: count))
        }
        self.length = length
    }

    public init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// Calls `body` with the address as the `sockaddr` pointer the socket calls take.
    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    public var port: UInt16 {
        withUnsafeBytes(of: storage) { raw in
            family == AF_INET6
                ? UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
                : UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
        }
    }

    /// The address with another port (used when port 0 was resolved by the first bind).
    public func with(port: UInt16) -> SocketAddress {
        var copy = self
        withUnsafeMutablePointer(to: &copy.storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = port.bigEndian }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = port.bigEndian }
            }
        }
        return copy
    }

    public var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                var address = raw.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            } else {
                var address = raw.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
            }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func == (a: SocketAddress, b: SocketAddress) -> Bool {
        a.length == b.length
            && withUnsafeBytes(of: a.storage) { x in
                withUnsafeBytes(of: b.storage) { y in x.prefix(Int(a.length)).elementsEqual(y.prefix(Int(a.length))) }
            }
    }

    /// Resolves a host name or literal to every address (IPv6 and IPv4), in resolver order.
    public static func resolve(host: String, port: UInt16) -> Result<[SocketAddress], ResolveError> {
        if let literal = SocketAddress(ipLiteral: host, port: port) { return .success([literal]) }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            return .failure(ResolveError(host: host, message: String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var result: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                let resolved = SocketAddress(copying: address, length: entry.pointee.ai_addrlen)
                if !result.contains(resolved) { result.append(resolved) }
            }
            cursor = entry.pointee.ai_next
        }
        return result.isEmpty ? .failure(ResolveError(host: host, message: "no addresses")) : .success(result)
    }
}

public struct ResolveError: Error, Sendable, CustomStringConvertible {
    public var host: String
    public var message: String
    public var description: String { "cannot resolve \(host): \(message)" }
}

/// A client's address as a connection keeps it: `sockaddr_in6` holds either family in 28 bytes,
/// where `SocketAddress` carries a 128-byte `sockaddr_storage` (about 100 bytes less in every
/// open connection). Rebuilt as a `SocketAddress` only when needed (logs, PROXY headers,
/// `X-Forwarded-For`).
struct PeerAddress {
    private var raw = sockaddr_in6()
    private var length: UInt8 = 0

    init(_ address: SocketAddress) {
        let count = min(Int(address.length), MemoryLayout<sockaddr_in6>.size)
        length = UInt8(count)
        withUnsafeMutableBytes(of: &raw) { target in
            withUnsafeBytes(of: address.storage) { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source.prefix(count)))
            }
        }
    }

    var socketAddress: SocketAddress {
        withUnsafePointer(to: raw) { SocketAddress(copying: $0, length: socklen_t(length)) }
    }
}
