import Glibc

/// One resolved IPv4 or IPv6 address with its port, as `connect(2)` takes it.
public struct OCSPSocketAddress: Sendable, Equatable, CustomStringConvertible {
    /// `AF_INET` or `AF_INET6`.
    public let family: Int32
    /// A `sockaddr_in` or `sockaddr_in6` in the first `length` bytes.
    private let storage: sockaddr_storage
    private let length: socklen_t

    /// Makes an address from an IPv4 or IPv6 literal (without brackets), or `nil` if it is neither.
    public init?(ipAddress: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, ipAddress, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(port).bigEndian
            self.init(family: AF_INET, copying: v4)
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, ipAddress, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(port).bigEndian
            self.init(family: AF_INET6, copying: v6)
            return
        }
        return nil
    }

    /// Copies an address returned by `getaddrinfo`; `nil` for families other than IPv4 and IPv6.
    init?(_ address: UnsafePointer<sockaddr>, length: socklen_t) {
        let family = Int32(address.pointee.sa_family)
        guard family == AF_INET || family == AF_INET6,
            Int(length) <= MemoryLayout<sockaddr_storage>.size
        else { return nil }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length)))
        }
        self.family = family
        self.storage = storage
        self.length = length
    }

    private init<Address>(family: Int32, copying address: Address) {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { target in
            withUnsafeBytes(of: address) { target.copyMemory(from: $0) }
        }
        self.family = family
        self.storage = storage
        length = socklen_t(MemoryLayout<Address>.size)
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// `192.0.2.1:80` or `[2001:db8::1]:80`.
    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if family == AF_INET6 {
            var address = withUnsafeBytes(of: storage) { $0.loadUnaligned(as: sockaddr_in6.self) }
            inet_ntop(AF_INET6, &address.sin6_addr, &text, socklen_t(text.count))
            return "[\(Self.string(text))]:\(UInt16(bigEndian: address.sin6_port))"
        }
        var address = withUnsafeBytes(of: storage) { $0.loadUnaligned(as: sockaddr_in.self) }
        inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
        return "\(Self.string(text)):\(UInt16(bigEndian: address.sin_port))"
    }

    public static func == (lhs: OCSPSocketAddress, rhs: OCSPSocketAddress) -> Bool {
        guard lhs.family == rhs.family, lhs.length == rhs.length else { return false }
        let count = Int(lhs.length)
        return withUnsafeBytes(of: lhs.storage) { left in
            withUnsafeBytes(of: rhs.storage) { right in left.prefix(count).elementsEqual(right.prefix(count)) }
        }
    }

    private static func string(_ text: [CChar]) -> String {
        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
