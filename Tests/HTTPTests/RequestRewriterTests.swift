import Foundation
import Testing

@testable import Proxy

@Suite struct RequestRewriterTests {
    /// The head a backend receives for `text` from a client at `peer`.
    static func rewrite(
        _ text: String, peer: String = "192.0.2.7", trusted: [TrustedNetwork] = [], forwarded: Bool = false
    ) throws -> String {
        let request = try #require(HTTPParsing.request(text).value ?? nil)
        let address = try #require(SocketAddress(ipLiteral: peer, port: 40_000))
        let settings = HTTPSettings(trustedProxies: trusted, addsForwarded: forwarded)
        let rewriter = HTTPRequestRewriter(
            client: ClientAddress(address), clientIsTrusted: settings.trusts(address), addsForwarded: forwarded)
        var output = [UInt8](repeating: 0, count: 4096)
        let count = output.withUnsafeMutableBytes { raw in
            var writer = HTTPHeadWriter(raw.baseAddress!, capacity: raw.count)
            request.bytes.withUnsafeBufferPointer {
                rewriter.write(request.head, fields: request.fields, $0, into: &writer)
            }
            return writer.overflowed ? -1 : writer.count
        }
        try #require(count >= 0)
        return String(decoding: output[0..<count], as: UTF8.self)
    }

    static let loopback = [TrustedNetwork(bytes: [127, 0, 0, 0], prefixLength: 8)!]
    static let documentation = [TrustedNetwork(bytes: [192, 0, 2, 0], prefixLength: 24)!]

    @Test func forwardingFieldsAreAdded() throws {
        let head = try Self.rewrite("GET /a?b HTTP/1.1\r\nHost: a.test\r\nAccept: */*\r\n\r\n")
        #expect(
            head
                == "GET /a?b HTTP/1.1\r\nHost: a.test\r\nAccept: */*\r\nX-Forwarded-For: 192.0.2.7\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: a.test\r\n\r\n")
    }

    @Test func anUntrustedPeersForwardingFieldsAreReplaced() throws {
        let head = try Self.rewrite(
            "GET / HTTP/1.1\r\nHost: a.test\r\nX-Forwarded-For: 10.9.9.9\r\nX-Forwarded-Proto: http\r\n"
                + "X-Forwarded-Host: evil.test\r\nForwarded: for=10.9.9.9\r\n\r\n",
            trusted: Self.loopback, forwarded: true)
        #expect(!head.contains("10.9.9.9"))
        #expect(!head.contains("evil.test"))
        #expect(!head.contains("proto: http\r"))
        #expect(head.contains("\r\nX-Forwarded-For: 192.0.2.7\r\n"))
        #expect(head.contains("\r\nX-Forwarded-Proto: https\r\n"))
        #expect(head.contains("\r\nX-Forwarded-Host: a.test\r\n"))
        #expect(head.contains("\r\nForwarded: for=192.0.2.7;host=\"a.test\";proto=https\r\n"))
    }

    @Test func aTrustedPeersForwardingFieldsAreExtended() throws {
        let head = try Self.rewrite(
            "GET / HTTP/1.1\r\nHost: a.test\r\nX-Forwarded-For: 203.0.113.1, 10.0.0.1\r\nx-forwarded-for: 10.0.0.2\r\n"
                + "Forwarded: for=203.0.113.1\r\n\r\n",
            trusted: Self.documentation, forwarded: true)
        #expect(head.contains("\r\nX-Forwarded-For: 203.0.113.1, 10.0.0.1, 10.0.0.2, 192.0.2.7\r\n"))
        #expect(head.contains("\r\nForwarded: for=203.0.113.1, for=192.0.2.7;host=\"a.test\";proto=https\r\n"))
        #expect(head.components(separatedBy: "Forwarded: ").count == 2, "one Forwarded field")
        #expect(!head.contains("x-forwarded-for"))
    }

    @Test func forwardedIsLeftAloneWhenOffForATrustedPeerAndDroppedOtherwise() throws {
        let text = "GET / HTTP/1.1\r\nHost: a.test\r\nForwarded: for=203.0.113.1\r\n\r\n"
        #expect(try Self.rewrite(text, trusted: Self.documentation).contains("\r\nForwarded: for=203.0.113.1\r\n"))
        #expect(!(try Self.rewrite(text).contains("\r\nForwarded:")))
    }

    @Test func ipv6ClientsAreBracketedInForwarded() throws {
        let head = try Self.rewrite("GET / HTTP/1.1\r\nHost: a.test:8443\r\n\r\n", peer: "2001:db8::7", forwarded: true)
        #expect(head.contains("\r\nX-Forwarded-For: 2001:db8::7\r\n"))
        #expect(head.contains("\r\nX-Forwarded-Host: a.test:8443\r\n"))
        #expect(head.contains("\r\nForwarded: for=\"[2001:db8::7]\";host=\"a.test:8443\";proto=https\r\n"))
    }

    @Test func ipv4MappedClientsAreShownAsIPv4() throws {
        let head = try Self.rewrite("GET / HTTP/1.1\r\nHost: a\r\n\r\n", peer: "::ffff:192.0.2.9")
        #expect(head.contains("\r\nX-Forwarded-For: 192.0.2.9\r\n"))
    }

    @Test func hopByHopFieldsAreRemoved() throws {
        let head = try Self.rewrite(
            "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Sum\r\nUpgrade: h2c\r\nX-Secret: s\r\n"
                + "X-Kept: k\r\n\r\n")
        for removed in ["Connection", "Keep-Alive", "Proxy-Connection", "TE:", "Trailer", "Upgrade", "X-Secret"] {
            #expect(!head.contains(removed), "\(removed)")
        }
        #expect(head.contains("\r\nX-Kept: k\r\n"))
    }

    @Test func framingFieldsAreNormalised() throws {
        let length = try Self.rewrite("POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 5, 5\r\n\r\n")
        #expect(length.contains("\r\nContent-Length: 5\r\n"))
        #expect(!length.contains("content-length"))
        let zero = try Self.rewrite("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        #expect(zero.contains("\r\nContent-Length: 0\r\n"))
        let chunked = try Self.rewrite("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , CHUNKED\r\n\r\n")
        #expect(chunked.contains("\r\nTransfer-Encoding: chunked\r\n"))
        #expect(!chunked.contains("CHUNKED"))
        // A client naming a framing field in Connection cannot make the proxy drop it.
        let nominated = try Self.rewrite(
            "POST / HTTP/1.1\r\nHost: a\r\nConnection: Content-Length, Host\r\nContent-Length: 3\r\n\r\n")
        #expect(nominated.contains("\r\nContent-Length: 3\r\n"))
        #expect(nominated.contains("\r\nHost: a\r\n"))
    }

    @Test func upgradesKeepUpgradeAndSayConnectionUpgrade() throws {
        let head = try Self.rewrite(
            "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: k\r\n\r\n"
        )
        #expect(head.contains("\r\nUpgrade: websocket\r\n"))
        #expect(head.contains("\r\nConnection: upgrade\r\n"))
        #expect(head.contains("\r\nSec-WebSocket-Key: k\r\n"))
    }

    @Test func http10RequestsGoOutAsHTTP11() throws {
        let head = try Self.rewrite("GET /x HTTP/1.0\r\nExpect: 100-continue\r\nConnection: keep-alive\r\n\r\n")
        #expect(head.hasPrefix("GET /x HTTP/1.1\r\nHost:\r\n"))
        #expect(!head.contains("Expect"))
        #expect(!head.contains("X-Forwarded-Host"))
    }

    @Test func http10WithoutHostGetsTheTLSServerName() throws {
        let request = try #require(HTTPParsing.request("GET / HTTP/1.0\r\n\r\n").value ?? nil)
        let address = try #require(SocketAddress(ipLiteral: "192.0.2.7", port: 1))
        for (name, expected) in [("a.test", "Host: a.test\r\n"), ("bad name", "Host:\r\n")] {
            let rewriter = HTTPRequestRewriter(
                client: ClientAddress(address), clientIsTrusted: false, addsForwarded: false,
                serverName: Array(name.utf8))
            var output = [UInt8](repeating: 0, count: 512)
            let count = output.withUnsafeMutableBytes { raw in
                var writer = HTTPHeadWriter(raw.baseAddress!, capacity: raw.count)
                request.bytes.withUnsafeBufferPointer {
                    rewriter.write(request.head, fields: request.fields, $0, into: &writer)
                }
                return writer.count
            }
            #expect(String(decoding: output[0..<count], as: UTF8.self).hasPrefix("GET / HTTP/1.1\r\n" + expected))
        }
    }

    @Test func expectIsForwardedInHTTP11() throws {
        let head = try Self.rewrite("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
        #expect(head.contains("\r\nExpect: 100-continue\r\n"))
    }

    @Test func aHeadThatDoesNotFitOverflows() throws {
        let request = try #require(HTTPParsing.request("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n").value ?? nil)
        let address = try #require(SocketAddress(ipLiteral: "192.0.2.7", port: 1))
        let rewriter = HTTPRequestRewriter(client: ClientAddress(address), clientIsTrusted: false, addsForwarded: true)
        var output = [UInt8](repeating: 0, count: 40)
        let overflowed = output.withUnsafeMutableBytes { raw in
            var writer = HTTPHeadWriter(raw.baseAddress!, capacity: raw.count)
            request.bytes.withUnsafeBufferPointer {
                rewriter.write(request.head, fields: request.fields, $0, into: &writer)
            }
            return writer.overflowed && writer.count <= 40
        }
        #expect(overflowed)
    }
}
