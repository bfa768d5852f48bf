/// The `mode http` settings of one frontend in one config generation (immutable).
public struct HTTPSettings: Sendable, Equatable {
    /// Largest request head accepted (431 above it).
    public var maxRequestHeader: Int
    /// Most header fields in a request head (431 above it).
    public var maxHeaders: Int
    /// Seconds from a request's last byte sent to the backend until its response head (504 after).
    public var upstreamTimeout: Double
    /// Seconds a client has to send a complete request head (408 after).
    public var requestTimeout: Double
    /// Peers whose `X-Forwarded-For` and `Forwarded` are extended rather than replaced.
    public var trustedProxies: [TrustedNetwork]
    /// Add an RFC 7239 `Forwarded` field.
    public var addsForwarded: Bool

    public init(
        maxRequestHeader: Int = 16 * 1024, maxHeaders: Int = 100, upstreamTimeout: Double = 60,
        requestTimeout: Double = 30, trustedProxies: [TrustedNetwork] = [], addsForwarded: Bool = false
    ) {
        self.maxRequestHeader = maxRequestHeader
        self.maxHeaders = maxHeaders
        self.upstreamTimeout = upstreamTimeout
        self.requestTimeout = requestTimeout
        self.trustedProxies = trustedProxies
        self.addsForwarded = addsForwarded
    }

    /// Whether `peer` is in one of the trusted networks.
    public func trusts(_ peer: SocketAddress) -> Bool {
        guard !trustedProxies.isEmpty else { return false }
        return trusts(ClientAddress(peer))
    }

    /// Whether `address` is in one of the trusted networks.
    func trusts(_ address: ClientAddress) -> Bool {
        guard !trustedProxies.isEmpty else { return false }
        return address.withBytes { bytes in trustedProxies.contains { $0.contains(bytes) } }
    }
}

/// An IPv4 or IPv6 network: address bytes (4 or 16) and a prefix length.
public struct TrustedNetwork: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let prefixLength: Int

    /// nil unless `bytes` has 4 or 16 bytes and `prefixLength` fits.
    public init?(bytes: [UInt8], prefixLength: Int) {
        guard bytes.count == 4 || bytes.count == 16, (0...bytes.count * 8).contains(prefixLength) else { return nil }
        self.bytes = bytes
        self.prefixLength = prefixLength
    }

    /// Whether `address` (4 or 16 bytes; IPv4-mapped IPv6 already unmapped) is in this network.
    func contains(_ address: [UInt8]) -> Bool {
        address.withUnsafeBytes { contains($0) }
    }

    func contains(_ address: UnsafeRawBufferPointer) -> Bool {
        guard address.count == bytes.count else { return false }
        var remaining = prefixLength
        for index in bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address[index] & mask != bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String {
        let address =
            bytes.count == 4
            ? bytes.map(String.init).joined(separator: ".")
            : stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        return "\(address)/\(prefixLength)"
    }
}
