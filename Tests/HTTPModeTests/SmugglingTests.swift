import Foundation
import TestSupport
import Testing

/// A request that must be refused with `status` and never reach a backend.
struct SmugglingVector: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    var status: Int

    init(_ name: String, _ text: String, _ status: Int) {
        self.name = name
        bytes = Array(text.utf8)
        self.status = status
    }

    var testDescription: String { name }
}

extension HTTPModeSuite {
    /// Every ambiguous or malformed request gets its status and `Connection: close`, its connection
    /// ends, and not one byte of it reaches the backend.
    @Suite struct SmugglingTests {
        static let post = "POST / HTTP/1.1\r\nHost: a.test\r\n"

        static let vectors: [SmugglingVector] = [
            SmugglingVector(
                "CL.TE", post + "Content-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nSMUGGLED", 400),
            SmugglingVector(
                "TE.CL", post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n", 400
            ),
            SmugglingVector("TE.TE unknown coding", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 501),
            SmugglingVector("TE.TE space before colon", post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
            SmugglingVector(
                "TE.TE second field", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n", 400),
            SmugglingVector("TE.TE folded", post + "X-A: b\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            SmugglingVector(
                "TE.TE chunked not final", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
            SmugglingVector(
                "TE.TE coding before chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
            SmugglingVector("TE.TE quoted", post + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400),
            SmugglingVector("TE.TE vertical tab", post + "Transfer-Encoding: chunked\u{0B}\r\n\r\n0\r\n\r\n", 400),
            SmugglingVector("TE.TE bare LF", post + "Transfer-Encoding: chunked\n\r\n0\r\n\r\n", 400),
            SmugglingVector(
                "differing Content-Length", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
            SmugglingVector("Content-Length list", post + "Content-Length: 5, 6\r\n\r\nhello!", 400),
            SmugglingVector("malformed Content-Length", post + "Content-Length: 5x\r\n\r\nhello", 400),
            SmugglingVector("negative Content-Length", post + "Content-Length: -5\r\n\r\n", 400),
            SmugglingVector("bad chunk size", post + "Transfer-Encoding: chunked\r\n\r\nG\r\nhello\r\n0\r\n\r\n", 400),
            SmugglingVector(
                "chunk size with a space", post + "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400),
            SmugglingVector(
                "overflowing chunk size", post + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\n", 400),
            SmugglingVector(
                "chunk longer than its size", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 400),
            SmugglingVector(
                "chunk size with LF only", post + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
            SmugglingVector("whitespace before colon", post + "Content-Length : 5\r\n\r\nhello", 400),
            SmugglingVector("obs-fold", "GET / HTTP/1.1\r\nHost: a.test\r\nX-A: one\r\n two\r\n\r\n", 400),
            SmugglingVector("bare CR", "GET / HTTP/1.1\r\nHost: a.test\r\nX-A: one\rtwo\r\n\r\n", 400),
            SmugglingVector("bare LF", "GET / HTTP/1.1\nHost: a.test\n\n", 400),
            SmugglingVector("NUL", "GET / HTTP/1.1\r\nHost: a.test\r\nX-A: a\u{0}b\r\n\r\n", 400),
            SmugglingVector("invalid method", "G<T / HTTP/1.1\r\nHost: a.test\r\n\r\n", 400),
            SmugglingVector("invalid target", "GET a.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n", 400),
            SmugglingVector("bad percent-encoding", "GET /%zz HTTP/1.1\r\nHost: a.test\r\n\r\n", 400),
            SmugglingVector(
                "head over max_request_header",
                "GET / HTTP/1.1\r\nHost: a.test\r\nX-Big: " + String(repeating: "b", count: 17 * 1024) + "\r\n\r\n", 431
            ),
            SmugglingVector(
                "more than max_headers",
                "GET / HTTP/1.1\r\nHost: a.test\r\n" + (1...100).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
            SmugglingVector("missing Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
            SmugglingVector("two Host fields", "GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400),
            SmugglingVector(
                "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            SmugglingVector("HTTP/0.9", "GET /index.html\r\n", 505),
            SmugglingVector("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: a.test\r\n\r\n", 505),
        ]

        @Test(arguments: vectors)
        func refusedAndNeverForwarded(_ vector: SmugglingVector) throws {
            let backend = try RecordingBackend()
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let mark = daemon.logMark()
            let client = try daemon.connect()
            try client.send(vector.bytes)
            let response = try client.readResponse()
            #expect(response.status == vector.status)
            #expect(response.fields.value("connection") == "close")
            #expect(client.waitForClose(), "the connection ends after the refusal")
            client.close()
            let refused = try daemon.waitForLog(containing: "info request refused", after: mark)
            #expect(refused.contains("status=\(vector.status)"))
            #expect(try daemon.stop() == 0)
            #expect(backend.receivedBytes == 0)
            #expect(backend.requests.isEmpty)
            #expect(backend.acceptedConnections == 0)
        }

        @Test func aSmuggledRequestBehindAGoodOneIsRefusedAlone() throws {
            let backend = try RecordingBackend()
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            try client.send(
                "GET /good HTTP/1.1\r\nHost: a.test\r\n\r\n" + Self.post
                    + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a.test\r\n\r\n"
            )
            #expect(try client.readResponse().status == 200)
            #expect(try client.readResponse().status == 400)
            #expect(client.waitForClose())
            client.close()
            #expect(try daemon.stop() == 0)
            #expect(backend.requests.map(\.target) == ["/good"])
        }
    }
}
