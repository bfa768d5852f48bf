import Testing

@testable import Proxy

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
