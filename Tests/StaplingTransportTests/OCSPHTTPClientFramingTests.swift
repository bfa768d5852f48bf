import Stapling
import TestSupport
import Testing

/// Response framings and malformed answers, served by in-test socket servers.
@Suite("OCSP HTTP client response framing")
struct OCSPHTTPClientFramingTests {
    let client = OCSPHTTPClient()
    let request: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
    let body: [UInt8] = Array(0..<200).map { UInt8($0) }

    private func fetch(_ server: ScriptedHTTPServer, settings: OCSPTransportSettings = .test)
        -> Result<OCSPHTTPResponse, OCSPTransportError>
    {
        client.fetch(url: server.url, request: request, settings: settings)
    }

    @Test func chunkedBodyWithExtensionsAndTrailersIsReassembled() throws {
        let body = self.body
        let server = try ScriptedHTTPServer { _, stream in
            try stream.write(
                "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nTransfer-Encoding: chunked\r\n\r\n")
            try stream.write(Array("a;name=value\r\n".utf8) + body[0..<10] + Array("\r\n".utf8))
            try stream.write(Array("BE\r\n".utf8) + body[10...] + Array("\r\n".utf8))
            try stream.write("0\r\nX-Checksum: none\r\n\r\n")
        }
        let response = try fetch(server).response()
        #expect(response.body == body)
        #expect(server.requests.first?.method == "GET")
    }

    @Test func closeDelimitedBodyIsReadToTheEnd() throws {
        let server = try ScriptedHTTPServer(
            answer: Array("HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\n\r\n".utf8) + body)
        #expect(try fetch(server).response().body == body)
    }

    @Test func interimResponsesAreSkipped() throws {
        let server = try ScriptedHTTPServer(
            answer: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8) + ScriptedHTTPServer.response(body: body))
        #expect(try fetch(server).response().body == body)
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: Application/OCSP-Response\r\n"
            + "CACHE-CONTROL: public, Max-Age=90\r\ncontent-length: 200\r\n\r\n"
        let server = try ScriptedHTTPServer(answer: Array(head.utf8) + body)
        let response = try fetch(server).response()
        #expect(response.maxAge == 90)
        #expect(response.body == body)
    }

    @Test func truncatedBodyIsNamed() throws {
        let server = try ScriptedHTTPServer(
            answer: Array(
                "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 500\r\n\r\n".utf8)
                + body)
        #expect(try fetch(server).error().reason == .connectionClosed(.responseBody))
    }

    @Test func contentLengthOverTheCapFailsWithoutReadingTheBody() throws {
        let server = try ScriptedHTTPServer { _, stream in
            try stream.write(
                "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 10000000\r\n\r\n")
            _ = try? stream.read()  // keep the connection open until the client gives up
        }
        let error = try fetch(server, settings: .test.with(maxResponseSize: 1000)).error()
        #expect(error.reason == .bodyTooLarge(cap: 1000))
    }

    @Test func chunkedBodyOverTheCapIsRejected() throws {
        let body = self.body
        let server = try ScriptedHTTPServer { _, stream in
            try stream.write(
                "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in 0..<10 { try stream.write(Array("c8\r\n".utf8) + body + Array("\r\n".utf8)) }
            try stream.write("0\r\n\r\n")
        }
        #expect(
            try fetch(server, settings: .test.with(maxResponseSize: 1000)).error().reason == .bodyTooLarge(cap: 1000))
    }

    @Test func closeDelimitedBodyOverTheCapIsRejected() throws {
        let server = try ScriptedHTTPServer(
            answer: Array("HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\n\r\n".utf8)
                + [UInt8](repeating: 0x30, count: 5000))
        #expect(
            try fetch(server, settings: .test.with(maxResponseSize: 1000)).error().reason == .bodyTooLarge(cap: 1000))
    }

    @Test(arguments: [
        "NOT HTTP AT ALL\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\n folded: header\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
    ])
    func malformedResponsesAreNamed(answer: String) throws {
        let server = try ScriptedHTTPServer(answer: Array(answer.utf8))
        let error = try fetch(server).error()
        guard case .malformedResponse = error.reason else {
            Issue.record("expected malformedResponse, got \(error)")
            return
        }
    }

    @Test func missingContentTypeIsRejected() throws {
        let server = try ScriptedHTTPServer(answer: ScriptedHTTPServer.response(contentType: nil, body: body))
        let error = try fetch(server).error()
        #expect(error.reason == .wrongContentType(nil))
        #expect(error.description.contains("missing"))
    }

    @Test func postBodyArrivesIntact() throws {
        let der = [UInt8](repeating: 0xA5, count: 1000)
        let server = try ScriptedHTTPServer(answer: ScriptedHTTPServer.response(body: body))
        let response = try client.fetch(url: server.url, request: der, settings: .test).response()
        #expect(response.method == .post)
        let seen = try #require(server.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.target == "/ocsp")
        #expect(seen.header("content-type") == "application/ocsp-request")
        #expect(seen.body == der)
    }
}
