import Foundation
import TestSupport
import Testing

extension HTTPModeSuite {
    /// Bodies of 0 B, 1 B and 10 MiB, with `Content-Length` and chunked, in both directions,
    /// arrive whole; `Expect: 100-continue` works; HEAD, 204 and 304 carry no body.
    @Suite struct BodyTests {
        enum Framing: String, CaseIterable, Sendable { case contentLength, chunked }

        static let sizes = [0, 1, 10 << 20]

        /// `body` framed as a request or response body, chunks of varying sizes.
        static func chunked(_ body: [UInt8]) -> [UInt8] {
            var bytes: [UInt8] = []
            var offset = 0
            var size = 7
            while offset < body.count {
                let count = min(size, body.count - offset)
                bytes += Array("\(String(count, radix: 16))\r\n".utf8) + body[offset..<offset + count] + [0x0D, 0x0A]
                offset += count
                size = min(size * 3, 300_000)
            }
            return bytes + Array("0\r\n\r\n".utf8)
        }

        @Test(arguments: sizes, Framing.allCases)
        func requestBodiesArriveWhole(size: Int, framing: Framing) throws {
            let backend = try RecordingBackend { request in
                .respond(status: 200, body: Array("\(request.body.count) \(sha256Hex(request.body))".utf8))
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect(timeout: .seconds(60))
            let body = PseudoRandomBytes.generate(count: size, seed: UInt64(size))
            let head =
                framing == .chunked
                ? "POST /upload HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                : "POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: \(size)\r\n\r\n"
            try client.send(Array(head.utf8) + (framing == .chunked ? Self.chunked(body) : body))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "\(size) \(sha256Hex(body))")
            let request = try #require(backend.requests.first)
            #expect(request.wasChunked == (framing == .chunked))
            // A second request on the same connection proves the body's end was found exactly.
            #expect(try client.get("/after").status == 200)
            #expect(backend.requests.count == 2)
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test(arguments: sizes, Framing.allCases)
        func responseBodiesArriveWhole(size: Int, framing: Framing) throws {
            let body = PseudoRandomBytes.generate(count: size, seed: UInt64(size) + 7)
            let backend = try RecordingBackend { request in
                request.target == "/body" ? .respond(status: 200, body: body, chunked: framing == .chunked) : .ok
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect(timeout: .seconds(60))
            let response = try client.get("/body")
            #expect(response.status == 200)
            #expect(response.body.count == size)
            #expect(sha256Hex(response.body) == sha256Hex(body))
            #expect(response.fields.contains(framing == .chunked ? "transfer-encoding" : "content-length"))
            #expect(try client.get("/after").bodyText == "ok\n")
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func expectContinueLetsTheClientWaitForTheBackend() throws {
            let backend = try RecordingBackend { request in
                .respond(status: 201, body: Array("stored \(request.body.count)".utf8))
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            try client.send(
                "PUT /file HTTP/1.1\r\nHost: a.test\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n")
            let interim = try client.readResponse()
            #expect(interim.status == 100)
            try client.send("hello world")
            let final = try client.readResponse()
            #expect(final.status == 201)
            #expect(final.bodyText == "stored 11")
            let request = try #require(backend.requests.first)
            #expect(request.fields.value("expect") == "100-continue")
            #expect(request.body == Array("hello world".utf8))
            let next = try client.get("/next")
            #expect(next.status == 201 && next.bodyText == "stored 0")
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func anEarlyFinalResponseClosesTheConnection() throws {
            let backend = try RecordingBackend(sendsContinue: false, answersBeforeBody: true) { _ in
                .respond(status: 413, body: Array("too large".utf8), close: true)
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            try client.send("PUT /file HTTP/1.1\r\nHost: a.test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.fields.value("connection") == "close")
            #expect(client.waitForClose())
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func headAnd204And304CarryNoBody() throws {
            let backend = try RecordingBackend { request in
                switch request.target {
                case "/head": .respond(status: 200, body: Array(repeating: 0x61, count: 1000))
                case "/empty": .respond(status: 204)
                case "/cached": .respond(status: 304, headers: ["ETag: \"v1\"", "Content-Length: 1000"])
                default: .respond(status: 200, body: Array("after".utf8))
                }
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            // Pipelined: a body wrongly sent (or wrongly expected) would shift every later response.
            try client.send(
                "HEAD /head HTTP/1.1\r\nHost: a.test\r\n\r\nGET /empty HTTP/1.1\r\nHost: a.test\r\n\r\n"
                    + "GET /cached HTTP/1.1\r\nHost: a.test\r\nIf-None-Match: \"v1\"\r\n\r\n"
                    + "GET /after HTTP/1.1\r\nHost: a.test\r\n\r\n")
            let head = try client.readResponse(method: "HEAD")
            #expect(head.status == 200)
            #expect(head.fields.value("content-length") == "1000")
            let empty = try client.readResponse()
            #expect(empty.status == 204)
            #expect(!empty.fields.contains("content-length"))
            let cached = try client.readResponse()
            #expect(cached.status == 304)
            #expect(cached.fields.value("etag") == "\"v1\"")
            let after = try client.readResponse()
            #expect(after.bodyText == "after")
            #expect(backend.requests.map(\.target) == ["/head", "/empty", "/cached", "/after"])
            client.close()
            #expect(try daemon.stop() == 0)
        }
    }
}
