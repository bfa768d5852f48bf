import Proxy
import TestSupport
import Testing

/// The PROXY protocol header's bytes: v1 text exactly, v2 parsed back by an independent decoder
/// (TestSupport's), TLVs included.
@Suite struct ProxyProtocolHeaderTests {
    struct TLS {
        var version: String? = "TLSv1.3"
        var cipher: String? = "TLS_AES_128_GCM_SHA256"
        var serverName: String? = "a.test"
        var alpn: String? = "h2"
    }

    static func address(_ host: String, _ port: UInt16) throws -> SocketAddress {
        try #require(SocketAddress(ipLiteral: host, port: port))
    }

    /// The header as bytes, with the TLS facts copied into memory that outlives the write.
    static func header(
        _ version: UpstreamRuntime.ProxyProtocol, from source: SocketAddress, to destination: SocketAddress,
        tls: TLS = TLS(), capacity: Int = 2_048
    ) -> [UInt8]? {
        func copy(_ text: String?) -> UnsafeMutableRawBufferPointer? {
            guard let text else { return nil }
            let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: text.utf8.count, alignment: 1)
            memory.copyBytes(from: text.utf8)
            return memory
        }
        let parts = [copy(tls.version), copy(tls.cipher), copy(tls.serverName), copy(tls.alpn)]
        defer { parts.forEach { $0?.deallocate() } }
        let facts = ProxyProtocolHeader.TLSFacts(
            version: parts[0].map(UnsafeRawBufferPointer.init), cipher: parts[1].map(UnsafeRawBufferPointer.init),
            serverName: parts[2].map(UnsafeRawBufferPointer.init), alpn: parts[3].map(UnsafeRawBufferPointer.init))
        var buffer = [UInt8](repeating: 0xEE, count: capacity)
        let length = buffer.withUnsafeMutableBytes { raw in
            ProxyProtocolHeader.write(version, source: source, destination: destination, tls: facts, into: raw)
        }
        return length.map { Array(buffer[..<$0]) }
    }

    static func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    // MARK: - Version 1

    @Test func v1IPv4() throws {
        let bytes = Self.header(
            .v1, from: try Self.address("192.0.2.1", 51_234), to: try Self.address("198.51.100.7", 443))
        #expect(Self.text(bytes) == "PROXY TCP4 192.0.2.1 198.51.100.7 51234 443\r\n")
        let written = try #require(bytes)
        let parsed = try #require(try ProxyProtocolParser.parse(written))
        #expect(parsed.sourceAddress == "192.0.2.1" && parsed.sourcePort == 51_234)
        #expect(parsed.destinationAddress == "198.51.100.7" && parsed.destinationPort == 443)
    }

    @Test func v1IPv6AndPortExtremes() throws {
        let bytes = Self.header(
            .v1, from: try Self.address("2001:db8::1", 1), to: try Self.address("2001:db8::2", 65_535))
        #expect(Self.text(bytes) == "PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n")
    }

    @Test func v1LongestHeaderFitsNginxsLimit() throws {
        let longest = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"
        let bytes = try #require(
            Self.header(.v1, from: try Self.address(longest, 65_535), to: try Self.address(longest, 65_535)))
        #expect(bytes.count <= 107)
        #expect(try ProxyProtocolParser.parse(bytes)?.sourceAddress == longest)
    }

    @Test func v1SendsIPv4MappedAddressesAsIPv4() throws {
        let bytes = Self.header(
            .v1, from: try Self.address("::ffff:192.0.2.1", 40_000), to: try Self.address("::ffff:127.0.0.1", 8_443))
        #expect(Self.text(bytes) == "PROXY TCP4 192.0.2.1 127.0.0.1 40000 8443\r\n")
    }

    @Test func v1MixedFamiliesAreSentAsIPv6() throws {
        let bytes = Self.header(
            .v1, from: try Self.address("192.0.2.1", 1_000), to: try Self.address("2001:db8::2", 443))
        #expect(Self.text(bytes) == "PROXY TCP6 ::ffff:192.0.2.1 2001:db8::2 1000 443\r\n")
    }

    @Test func v1WithoutAddressesIsUnknown() throws {
        let unknown = SocketAddress(storage: .init(), length: 0)
        #expect(Self.text(Self.header(.v1, from: try Self.address("192.0.2.1", 1), to: unknown)) == "PROXY UNKNOWN\r\n")
    }

    // MARK: - Version 2

    @Test func v2IPv4WithEveryTLV() throws {
        let bytes = try #require(
            Self.header(.v2, from: try Self.address("192.0.2.1", 51_234), to: try Self.address("198.51.100.7", 443)))
        #expect(
            Array(bytes[..<14]) == [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11])
        #expect(Int(bytes[14]) << 8 | Int(bytes[15]) == bytes.count - 16)
        // Addresses and ports, network order, right after the fixed part.
        #expect(Array(bytes[16..<28]) == [192, 0, 2, 1, 198, 51, 100, 7, 0xC8, 0x22, 0x01, 0xBB])

        let header = try #require(try ProxyProtocolParser.parse(bytes))
        #expect(header.version == 2 && header.command == .proxy && header.isIPv6 == false)
        #expect(header.sourceAddress == "192.0.2.1" && header.sourcePort == 51_234)
        #expect(header.destinationAddress == "198.51.100.7" && header.destinationPort == 443)
        #expect(header.length == bytes.count)
        #expect(header.tlvs.map(\.type) == [0x01, 0x02, 0x20])
        #expect(header.text(0x01) == "h2")
        #expect(header.text(0x02) == "a.test")
        let ssl = try #require(header.ssl)
        #expect(ssl.client == 0x01, "PP2_CLIENT_SSL")
        #expect(ssl.verify == 0)
        #expect(ssl.subTLVs.map(\.type) == [0x21, 0x23])
        #expect(header.sslText(0x21) == "TLSv1.3")
        #expect(header.sslText(0x23) == "TLS_AES_128_GCM_SHA256")
    }

    @Test func v2IPv6() throws {
        let bytes = try #require(
            Self.header(.v2, from: try Self.address("2001:db8::1", 60_000), to: try Self.address("::1", 8_443)))
        #expect(bytes[13] == 0x21, "TCP over IPv6")
        let header = try #require(try ProxyProtocolParser.parse(bytes))
        #expect(header.isIPv6 == true)
        #expect(header.sourceAddress == "2001:db8::1" && header.sourcePort == 60_000)
        #expect(header.destinationAddress == "::1" && header.destinationPort == 8_443)
        #expect(header.sslText(0x23) == "TLS_AES_128_GCM_SHA256")
    }

    @Test func v2LeavesOutWhatTheHandshakeDidNotSettle() throws {
        let tls = TLS(version: "TLSv1.2", cipher: "ECDHE-ECDSA-AES128-GCM-SHA256", serverName: nil, alpn: nil)
        let bytes = try #require(
            Self.header(.v2, from: try Self.address("192.0.2.1", 1), to: try Self.address("192.0.2.2", 2), tls: tls))
        let header = try #require(try ProxyProtocolParser.parse(bytes))
        #expect(header.tlvs.map(\.type) == [0x20], "no ALPN, no authority")
        #expect(header.sslText(0x21) == "TLSv1.2")
        #expect(header.sslText(0x23) == "ECDHE-ECDSA-AES128-GCM-SHA256")
    }

    @Test func v2WithoutAddressesIsLocal() throws {
        let bytes = try #require(
            Self.header(.v2, from: SocketAddress(storage: .init(), length: 0), to: try Self.address("192.0.2.2", 2)))
        #expect(bytes[12] == 0x20 && bytes[13] == 0x00)
        let header = try #require(try ProxyProtocolParser.parse(bytes))
        #expect(header.command == .local && header.sourceAddress == nil)
        #expect(header.text(0x02) == "a.test")
    }

    @Test func v2LargestHeaderIsSmall() throws {
        let tls = TLS(serverName: String(repeating: "a", count: 255), alpn: String(repeating: "b", count: 255))
        let bytes = try #require(
            Self.header(.v2, from: try Self.address("2001:db8::1", 1), to: try Self.address("2001:db8::2", 2), tls: tls)
        )
        #expect(bytes.count < 700)
        #expect(try ProxyProtocolParser.parse(bytes)?.text(0x02)?.count == 255)
    }

    @Test(arguments: [UpstreamRuntime.ProxyProtocol.v1, .v2])
    func aBufferTooSmallIsReported(_ version: UpstreamRuntime.ProxyProtocol) throws {
        let header = Self.header(
            version, from: try Self.address("192.0.2.1", 1), to: try Self.address("192.0.2.2", 2), capacity: 20)
        #expect(header == nil)
    }
}
