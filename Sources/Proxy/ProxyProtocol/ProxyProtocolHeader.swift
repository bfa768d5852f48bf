import Glibc

/// The PROXY protocol header (HAProxy's specification, version 1 text and version 2 binary) that
/// tells a backend who the client is. stapled writes it to the upstream before any byte of the
/// client's, so HAProxy, nginx (`listen ... proxy_protocol`) and Varnish log the real client.
///
/// The source is the client's address, the destination the address the client connected to.
/// IPv4-mapped IPv6 addresses (a client of a dual-stack `[::]` listener) are sent as IPv4.
/// Version 2 adds what the TLS handshake settled: `PP2_TYPE_ALPN`, `PP2_TYPE_AUTHORITY` (the SNI
/// name) and `PP2_TYPE_SSL` with `PP2_SUBTYPE_SSL_VERSION` and `PP2_SUBTYPE_SSL_CIPHER`.
///
/// Headers are written into a caller's buffer (the relay's pool buffer): nothing is allocated.
public enum ProxyProtocolHeader {
    /// The TLS facts version 2 carries, as bytes that stay valid during the write (OpenSSL's
    /// strings for a live `SSL`). Absent facts are left out.
    public struct TLSFacts {
        /// `TLSv1.3`
        public var version: UnsafeRawBufferPointer?
        /// `TLS_AES_256_GCM_SHA384`
        public var cipher: UnsafeRawBufferPointer?
        /// The SNI host name the client sent.
        public var serverName: UnsafeRawBufferPointer?
        /// The ALPN protocol negotiated.
        public var alpn: UnsafeRawBufferPointer?

        public init(
            version: UnsafeRawBufferPointer? = nil, cipher: UnsafeRawBufferPointer? = nil,
            serverName: UnsafeRawBufferPointer? = nil, alpn: UnsafeRawBufferPointer? = nil
        ) {
            self.version = version
            self.cipher = cipher
            self.serverName = serverName
            self.alpn = alpn
        }
    }

    /// Type and subtype numbers of version 2 TLVs.
    public enum TLVType {
        public static let alpn: UInt8 = 0x01
        public static let authority: UInt8 = 0x02
        public static let ssl: UInt8 = 0x20
        public static let sslVersion: UInt8 = 0x21
        public static let sslCipher: UInt8 = 0x23
        /// `PP2_CLIENT_SSL`: the client connected over TLS.
        public static let clientSSL: UInt8 = 0x01
    }

    /// The 12 bytes every version 2 header starts with.
    public static let v2Signature: (UInt64, UInt32) = (0x0D0A_0D0A_000D_0A51, 0x5549_540A)

    /// Writes the header into `buffer` and returns its length; nil if it does not fit (a 16 KiB
    /// relay buffer always holds it: a version 2 header is at most about 600 bytes).
    public static func write(
        _ version: UpstreamRuntime.ProxyProtocol, source: SocketAddress, destination: SocketAddress,
        tls: TLSFacts, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        var writer = ByteWriter(buffer)
        let endpoints = Endpoints(source: source, destination: destination)
        switch version {
        case .v1: writeV1(endpoints, into: &writer)
        case .v2: writeV2(endpoints, tls: tls, into: &writer)
        }
        return writer.overflowed ? nil : writer.count
    }

    /// `PROXY TCP4 192.0.2.1 192.0.2.10 51234 443\r\n`, or `PROXY UNKNOWN\r\n` without addresses.
    private static func writeV1(_ endpoints: Endpoints?, into writer: inout ByteWriter) {
        writer.put(ascii: "PROXY ")
        guard let endpoints else {
            writer.put(ascii: "UNKNOWN\r\n")
            return
        }
        writer.put(ascii: endpoints.isIPv6 ? "TCP6 " : "TCP4 ")
        writer.putText(of: endpoints.source, ipv6: endpoints.isIPv6)
        writer.put(byte: 0x20)
        writer.putText(of: endpoints.destination, ipv6: endpoints.isIPv6)
        writer.put(byte: 0x20)
        writer.putDecimal(endpoints.source.port)
        writer.put(byte: 0x20)
        writer.putDecimal(endpoints.destination.port)
        writer.put(ascii: "\r\n")
    }

    private static func writeV2(_ endpoints: Endpoints?, tls: TLSFacts, into writer: inout ByteWriter) {
        writer.put(bigEndian: v2Signature.0)
        writer.put(bigEndian: v2Signature.1)
        // Version 2; PROXY (relayed connection) or LOCAL (no addresses to tell).
        writer.put(byte: endpoints == nil ? 0x20 : 0x21)
        // Address family and transport: TCP over IPv4 0x11, over IPv6 0x21, unspecified 0x00.
        writer.put(byte: endpoints.map { $0.isIPv6 ? 0x21 : 0x11 } ?? 0x00)
        let lengthOffset = writer.count
        writer.put(bigEndian: UInt16(0))
        let start = writer.count
        if let endpoints {
            writer.putRaw(of: endpoints.source, ipv6: endpoints.isIPv6)
            writer.putRaw(of: endpoints.destination, ipv6: endpoints.isIPv6)
            writer.put(bigEndian: endpoints.source.port)
            writer.put(bigEndian: endpoints.destination.port)
        }
        if let alpn = tls.alpn, !alpn.isEmpty { writer.putTLV(TLVType.alpn, alpn) }
        if let name = tls.serverName, !name.isEmpty { writer.putTLV(TLVType.authority, name) }
        // PP2_TYPE_SSL: client flags, verify result (0: no client certificate was asked for), sub-TLVs.
        var sslLength = 5
        if let version = tls.version { sslLength += 3 + version.count }
        if let cipher = tls.cipher { sslLength += 3 + cipher.count }
        writer.put(byte: TLVType.ssl)
        writer.put(bigEndian: UInt16(truncatingIfNeeded: sslLength))
        writer.put(byte: TLVType.clientSSL)
        writer.put(bigEndian: UInt32(0))
        if let version = tls.version { writer.putTLV(TLVType.sslVersion, version) }
        if let cipher = tls.cipher { writer.putTLV(TLVType.sslCipher, cipher) }
        writer.patch(bigEndian: UInt16(truncatingIfNeeded: writer.count - start), at: lengthOffset)
    }
}

/// Both ends of a connection in one family: IPv4 when both are IPv4 (or IPv4-mapped), else IPv6.
struct Endpoints {
    struct Endpoint {
        /// The address in network order: 4 bytes used for IPv4, 16 for IPv6.
        var address: in6_addr
        var port: UInt16
    }

    var isIPv6: Bool
    var source: Endpoint
    var destination: Endpoint

    /// nil when either address is neither IPv4 nor IPv6.
    init?(source: SocketAddress, destination: SocketAddress) {
        guard let from = Self.parts(of: source), let to = Self.parts(of: destination) else { return nil }
        isIPv6 = !(from.isIPv4 && to.isIPv4)
        self.source = Endpoint(address: isIPv6 ? from.v6 : from.v4, port: source.port)
        self.destination = Endpoint(address: isIPv6 ? to.v6 : to.v4, port: destination.port)
    }

    /// The address as IPv6 (IPv4 mapped) and as IPv4 (in its first 4 bytes), and whether it is IPv4.
    private static func parts(of address: SocketAddress) -> (v6: in6_addr, v4: in6_addr, isIPv4: Bool)? {
        var v6 = in6_addr()
        var v4 = in6_addr()
        switch address.family {
        case AF_INET:
            let ipv4 = withUnsafeBytes(of: address.storage) { $0.load(as: sockaddr_in.self).sin_addr }
            copy(ipv4, into: &v4, at: 0)
            copy((UInt8(0xFF), UInt8(0xFF)), into: &v6, at: 10)
            copy(ipv4, into: &v6, at: 12)
            return (v6, v4, true)
        case AF_INET6:
            v6 = withUnsafeBytes(of: address.storage) { $0.load(as: sockaddr_in6.self).sin6_addr }
            let isMapped = withUnsafeBytes(of: v6) { bytes in
                bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
            }
            if isMapped { withUnsafeBytes(of: v6) { copy(($0[12], $0[13], $0[14], $0[15]), into: &v4, at: 0) } }
            return (v6, v4, isMapped)
        default:
            return nil
        }
    }

    private static func copy<T>(_ value: T, into target: inout in6_addr, at offset: Int) {
        withUnsafeBytes(of: value) { source in
            withUnsafeMutableBytes(of: &target) { bytes in
                for index in source.indices { bytes[offset + index] = source[index] }
            }
        }
    }
}
