import Testing

@testable import Proxy

@Suite struct ResponseTests {
    @Test func statusLinesAndFraming() throws {
        let ok = try #require(
            HTTPParsing.response("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nServer: x\r\n\r\n").value ?? nil)
        #expect(ok.head.status == 200)
        #expect(ok.head.contentLength == 12)
        #expect(!ok.head.isChunked)
        #expect(ok.head.serverKeepsAlive)
        let chunked = try #require(
            HTTPParsing.response("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n").value ?? nil)
        #expect(chunked.head.isChunked)
        let noReason = try #require(HTTPParsing.response("HTTP/1.1 204\r\n\r\n").value ?? nil)
        #expect(noReason.head.status == 204)
        let emptyReason = try #require(HTTPParsing.response("HTTP/1.1 304 \r\n\r\n").value ?? nil)
        #expect(emptyReason.head.status == 304)
        let interim = try #require(HTTPParsing.response("HTTP/1.1 100 Continue\r\n\r\n").value ?? nil)
        #expect(interim.head.isInterim)
        let switching = try #require(HTTPParsing.response("HTTP/1.1 101 Switching Protocols\r\n\r\n").value ?? nil)
        #expect(!switching.head.isInterim)
        let old = try #require(HTTPParsing.response("HTTP/1.0 200 OK\r\n\r\n").value ?? nil)
        #expect(!old.head.serverKeepsAlive)
        let oldKept = try #require(
            HTTPParsing.response("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n").value ?? nil)
        #expect(oldKept.head.serverKeepsAlive)
        let closing = try #require(HTTPParsing.response("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").value ?? nil)
        #expect(!closing.head.serverKeepsAlive)
    }

    @Test(arguments: [
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            HTTPViolation.contentLengthWithTransferEncoding
        ),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .conflictingContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", .chunkedNotFinal),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: foo, chunked\r\n\r\n", .unknownTransferCoding),
        ("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
        ("HTTP/1.1 200 OK\r\nX : y\r\n\r\n", .whitespaceBeforeColon),
        ("HTTP/1.1 200 OK\r\nX: y\r\n z\r\n\r\n", .obsFold),
        ("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", .bareCR),
        ("HTTP/1.1 200 OK\nX: y\n\n", .bareLF),
        ("HTTP/1.1 200 OK\r\nX: \u{0}\r\n\r\n", .nul),
        ("HTTP/2.0 200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 20 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 700 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 200OK\r\n\r\n", .invalidStatusLine),
        ("ICY 200 OK\r\n\r\n", .invalidStatusLine),
    ])
    func invalidResponses(text: String, violation: HTTPViolation) {
        guard case .failure(let error) = HTTPParsing.response(text) else {
            Issue.record("accepted: \(text.debugDescription)")
            return
        }
        #expect(error == violation)
    }

    static func rewrite(_ text: String, plan: HTTPResponseRewriter.Plan) throws -> String {
        let response = try #require(HTTPParsing.response(text).value ?? nil)
        var output = [UInt8](repeating: 0, count: 4096)
        let count = output.withUnsafeMutableBytes { raw in
            var writer = HTTPHeadWriter(raw.baseAddress!, capacity: raw.count)
            response.bytes.withUnsafeBufferPointer {
                HTTPResponseRewriter.write(response.head, fields: response.fields, $0, plan: plan, into: &writer)
            }
            return writer.count
        }
        return String(decoding: output[0..<count], as: UTF8.self)
    }

    @Test func hopByHopFieldsAreRemovedAndConnectionSaysWhatHappensNext() throws {
        let text =
            "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Internal\r\nKeep-Alive: timeout=5\r\nX-Internal: 1\r\n"
            + "Content-Length: 2\r\nTrailer: X-Sum\r\nX-Kept: k\r\n\r\n"
        let kept = try Self.rewrite(text, plan: .init())
        #expect(kept == "HTTP/1.1 200 OK\r\nX-Kept: k\r\nContent-Length: 2\r\n\r\n")
        var closing = HTTPResponseRewriter.Plan()
        closing.closes = true
        #expect(try Self.rewrite(text, plan: closing).hasSuffix("Content-Length: 2\r\nConnection: close\r\n\r\n"))
        var http10 = HTTPResponseRewriter.Plan()
        http10.announcesKeepAlive = true
        #expect(try Self.rewrite(text, plan: http10).hasSuffix("Content-Length: 2\r\nConnection: keep-alive\r\n\r\n"))
    }

    @Test func chunkedFramingIsKeptOrDropped() throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
        #expect(try Self.rewrite(text, plan: .init()) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        var dechunked = HTTPResponseRewriter.Plan()
        dechunked.dechunks = true
        dechunked.closes = true
        #expect(try Self.rewrite(text, plan: dechunked) == "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
    }

    @Test func switchingProtocolsKeepsUpgrade() throws {
        var plan = HTTPResponseRewriter.Plan()
        plan.switchesProtocols = true
        plan.omitsFraming = true
        let head = try Self.rewrite(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: a\r\n\r\n",
            plan: plan)
        #expect(
            head
                == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: a\r\n"
                + "Connection: upgrade\r\n\r\n")
    }

    @Test func errorResponsesCloseTheConnection() {
        for status in HTTPErrorResponse.allCases {
            let text = String(decoding: status.bytes(), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 \(status.status) \(status.reasonPhrase)\r\n"))
            #expect(text.contains("\r\nConnection: close\r\n"))
            let body = "\(status.status) \(status.reasonPhrase)\n"
            #expect(text.hasSuffix("\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body))
            #expect(String(decoding: status.bytes(headOnly: true), as: UTF8.self) + body == text)
        }
    }
}

@Suite struct TrustedNetworkTests {
    @Test func prefixMatching() throws {
        let v4 = try #require(TrustedNetwork(bytes: [10, 1, 0, 0], prefixLength: 16))
        #expect(v4.contains([10, 1, 200, 3]))
        #expect(!v4.contains([10, 2, 0, 1]))
        let odd = try #require(TrustedNetwork(bytes: [192, 168, 0, 128], prefixLength: 25))
        #expect(odd.contains([192, 168, 0, 255]))
        #expect(!odd.contains([192, 168, 0, 127]))
        let all = try #require(TrustedNetwork(bytes: [0, 0, 0, 0], prefixLength: 0))
        #expect(all.contains([8, 8, 8, 8]))
        #expect(!all.contains([UInt8](repeating: 0, count: 16)), "an IPv4 network never holds an IPv6 address")
        #expect(TrustedNetwork(bytes: [1, 2, 3], prefixLength: 8) == nil)
        #expect(TrustedNetwork(bytes: [1, 2, 3, 4], prefixLength: 33) == nil)
    }

    @Test func settingsTrustPeersInTheirNetworks() throws {
        let settings = HTTPSettings(trustedProxies: [
            TrustedNetwork(bytes: [127, 0, 0, 0], prefixLength: 8)!,
            TrustedNetwork(bytes: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 12), prefixLength: 32)!,
        ])
        #expect(settings.trusts(try #require(SocketAddress(ipLiteral: "127.0.0.1", port: 1))))
        #expect(settings.trusts(try #require(SocketAddress(ipLiteral: "::ffff:127.0.0.5", port: 1))))
        #expect(settings.trusts(try #require(SocketAddress(ipLiteral: "2001:db8::1", port: 1))))
        #expect(!settings.trusts(try #require(SocketAddress(ipLiteral: "192.0.2.1", port: 1))))
        #expect(!settings.trusts(try #require(SocketAddress(ipLiteral: "::1", port: 1))))
        #expect(!HTTPSettings().trusts(try #require(SocketAddress(ipLiteral: "127.0.0.1", port: 1))))
    }
}
