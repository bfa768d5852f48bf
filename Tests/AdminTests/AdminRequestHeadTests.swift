import Testing

@testable import Daemon

@Suite("Admin request head parsing")
struct AdminRequestHeadTests {
    static func parse(_ text: String) -> Result<AdminRequestHead, AdminResponse> {
        AdminRequestHead.parse(ArraySlice(text.utf8))
    }

    @Test("request line, path without query, Content-Length")
    func parses() throws {
        let head = try Self.parse("POST /ocsp/refresh?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length:  12 \r\n\r\n").get()
        #expect(head == AdminRequestHead(method: "POST", path: "/ocsp/refresh", contentLength: 12))
        let old = try Self.parse("GET /metrics HTTP/1.0\r\n\r\n").get()
        #expect(old.path == "/metrics")
        let bareLF = try Self.parse("GET /status HTTP/1.1\nHost: a\n\n").get()
        #expect(bareLF.method == "GET")
    }

    @Test(
        "malformed requests are 400",
        arguments: [
            "GARBAGE\r\n\r\n", "GET /status\r\n\r\n", "GET  /status HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET status HTTP/1.1\r\nHost: a\r\n\r\n", "GET http://x/status HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /status HTTP/1.1\r\n\r\n", "GET /status HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET /status HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", "GET /status HTTP/1.1\r\nHost : a\r\n\r\n",
            "GET /status HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            "GET /status HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
            "G(T /status HTTP/1.1\r\nHost: a\r\n\r\n", "GET /st atus HTTP/1.1\r\nHost: a\r\n\r\n", "XYZ",
        ])
    func malformed(text: String) {
        guard case .failure(let response) = Self.parse(text) else {
            Issue.record("accepted \(text.debugDescription)")
            return
        }
        #expect(response.status == 400)
    }

    @Test("other HTTP versions are 505, chunked bodies 501")
    func unsupported() {
        guard case .failure(let version) = Self.parse("GET /status HTTP/2.0\r\nHost: a\r\n\r\n"),
            case .failure(let chunked) = Self.parse("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        else {
            Issue.record("accepted")
            return
        }
        #expect(version.status == 505)
        #expect(chunked.status == 501)
    }

    @Test("end of head: CRLF CRLF or LF LF; nil while incomplete")
    func endOfHead() {
        #expect(AdminRequestHead.endOfHead(in: Array("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody".utf8)) == 27)
        #expect(AdminRequestHead.endOfHead(in: Array("GET / HTTP/1.1\nHost: a\n\n".utf8)) == 24)
        #expect(AdminRequestHead.endOfHead(in: Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8)) == nil)
    }
}
