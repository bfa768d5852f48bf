import Glibc

/// Turns a host name and port into the addresses to try, in order. The system resolver is
/// `getaddrinfo` with `AF_UNSPEC`, called afresh for every fetch (no caching, so DNS changes are
/// seen at once); tests inject fixed answers.
public struct OCSPHostResolver: Sendable {
    /// The reason a lookup failed, as the resolver words it.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String

        public init(_ description: String) { self.description = description }
    }

    private let resolveAddresses: @Sendable (_ host: String, _ port: Int) throws(Failure) -> [OCSPSocketAddress]

    /// A resolver that answers with `resolve`.
    public init(_ resolve: @escaping @Sendable (_ host: String, _ port: Int) throws(Failure) -> [OCSPSocketAddress]) {
        resolveAddresses = resolve
    }

    /// `getaddrinfo(host, port, AF_UNSPEC, SOCK_STREAM)`, in the order the system returns
    /// (RFC 6724 destination address selection), duplicates removed.
    public static let system = OCSPHostResolver { host, port throws(Failure) in
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            let message =
                status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            throw Failure(message)
        }
        defer { freeaddrinfo(list) }
        var addresses: [OCSPSocketAddress] = []
        var entry = list
        while let current = entry {
            if let sockaddr = current.pointee.ai_addr,
                let address = OCSPSocketAddress(sockaddr, length: current.pointee.ai_addrlen),
                !addresses.contains(address)
            {
                addresses.append(address)
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// The addresses for `host:port`.
    public func resolve(host: String, port: Int) throws(Failure) -> [OCSPSocketAddress] {
        try resolveAddresses(host, port)
    }
}
