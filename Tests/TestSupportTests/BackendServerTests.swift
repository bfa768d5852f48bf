import TestSupport
import Testing

@Suite("Backend servers")
struct BackendServerTests {
    @Test func echoReturnsEverythingAndHalfCloses() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let stream = try TCPStream.connect(port: echo.port)
        let payload = PseudoRandomBytes.generate(count: 200_000, seed: 7)
        try stream.write(payload)
        stream.shutdownWrite()
        #expect(try stream.readToEOF() == payload)
    }

    @Test func sinkRecordsSizeAndDigestThenReplies() throws {
        let sink = try SinkServer(reply: Array("done".utf8))
        defer { sink.stop() }
        let payload = PseudoRandomBytes.generate(count: 1_000_003, seed: 9)
        let stream = try TCPStream.connect(port: sink.port)
        try stream.write(payload)
        stream.shutdownWrite()
        #expect(try stream.readToEOF() == Array("done".utf8))
        let results = try sink.waitForResults(count: 1)
        #expect(results == [SinkResult(byteCount: payload.count, sha256: sha256Hex(payload))])
    }

    @Test func sourceSendsTheAdvertisedBytes() throws {
        let source = try SourceServer(byteCount: 3_000_000, seed: 11)
        defer { source.stop() }
        let stream = try TCPStream.connect(port: source.port)
        let received = try stream.readToEOF()
        #expect(received.count == 3_000_000)
        #expect(sha256Hex(received) == source.sha256)
        #expect(received == PseudoRandomBytes.generate(count: 3_000_000, seed: 11))
    }

    @Test func httpServerAnswersKeepAliveRequestsAndRecordsThem() throws {
        let http = try HTTPTestServer(body: "fixed body")
        defer { http.stop() }
        let stream = try TCPStream.connect(port: http.port)
        try stream.write(
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        try stream.write("GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let text = String(decoding: try stream.readToEOF(), as: UTF8.self)
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
        #expect(text.hasSuffix("fixed body"))
        #expect(http.requests.map(\.requestLine) == ["GET /a HTTP/1.1", "POST /b HTTP/1.1", "GET /c HTTP/1.1"])
        #expect(http.requests[1].body == Array("abc".utf8))
        #expect(http.requests[0].header("host") == "x")
    }

    @Test func stopClosesOpenConnectionsAndTheListener() throws {
        let echo = try EchoServer()
        let stream = try TCPStream.connect(port: echo.port)
        try echo.server.waitForAccepted(1)
        echo.stop()
        #expect(try stream.readToEOF().isEmpty)
        #expect(echo.server.openCount == 0)
        #expect(throws: TestSupportError.self) { try TCPStream.connect(port: echo.port, timeout: .seconds(2)) }
    }

    @Test func sha256MatchesAKnownVector() {
        #expect(sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func stapledBinaryLookupHonoursTheEnvironmentOrNamesWhereItLooked() {
        do {
            let path = try StapledBinary.path()
            #expect(path.hasSuffix("stapled"))
        } catch let error as TestSupportError {
            #expect(error.code == .notFound)
            #expect(error.detail.contains(".build/debug/stapled"))
        } catch {
            Issue.record(error)
        }
    }
}
