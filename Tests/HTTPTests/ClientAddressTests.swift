import Testing

@testable import Proxy

#if canImport(Glibc)
    import Glibc
#endif

/// The client address forwarding headers carry, held inline: bytes and text for IPv4, IPv6 (the
/// longest text included) and IPv4-mapped IPv6, which is forwarded as the IPv4 address it maps.
@Suite("Client address")
struct ClientAddressTests {
    @Test(
        "bytes and text",
        arguments: [
            ("192.0.2.1", [192, 0, 2, 1] as [UInt8], "192.0.2.1"),
            ("255.255.255.255", [255, 255, 255, 255], "255.255.255.255"),
            ("::ffff:198.51.100.7", [198, 51, 100, 7], "198.51.100.7"),
            ("2001:db8::7", [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7], "2001:db8::7"),
            (
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", [UInt8](repeating: 0xFF, count: 15) + [0xFE],
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"
            ),
        ])
    func bytesAndText(literal: String, bytes: [UInt8], text: String) throws {
        let peer = try #require(SocketAddress(ipLiteral: literal, port: 443))
        let address = ClientAddress(peer)
        #expect(address.bytes == bytes)
        #expect(address.isIPv6 == (bytes.count == 16))
        #expect(String(decoding: address.text, as: UTF8.self) == text)
    }

    @Test("IPv4 text is what inet_ntop writes, for every value of every byte")
    func dottedQuadMatchesInetNtop() throws {
        for value in 0...255 {
            let octet = UInt8(value)
            for bytes in [[octet, 0, 0, 0], [0, octet, 255, 9], [10, 99, octet, 100], [255, 255, 1, octet]] {
                let literal = bytes.map(String.init).joined(separator: ".")
                let peer = try #require(SocketAddress(ipLiteral: literal, port: 1))
                var buffer = [UInt8](repeating: 0, count: 16)
                var raw = bytes
                buffer.withUnsafeMutableBytes { target in
                    _ = inet_ntop(AF_INET, &raw, target.baseAddress?.assumingMemoryBound(to: CChar.self), 16)
                }
                let expected = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
                let text = String(decoding: ClientAddress(peer).text, as: UTF8.self)
                #expect(text == expected, "\(bytes)")
                #expect(text == literal)
            }
        }
    }

    @Test("trusted networks match the unmapped address")
    func trustedNetworks() throws {
        let network = try #require(TrustedNetwork(bytes: [198, 51, 100, 0], prefixLength: 24))
        let settings = HTTPSettings(trustedProxies: [network])
        #expect(settings.trusts(try #require(SocketAddress(ipLiteral: "::ffff:198.51.100.7", port: 1))))
        #expect(settings.trusts(try #require(SocketAddress(ipLiteral: "198.51.100.200", port: 1))))
        #expect(!settings.trusts(try #require(SocketAddress(ipLiteral: "198.51.101.1", port: 1))))
        #expect(!settings.trusts(try #require(SocketAddress(ipLiteral: "2001:db8::7", port: 1))))
    }
}
