import Testing

@testable import Stapling

@Suite("HTTP response heads")
struct OCSPHTTPResponseHeadTests {
    private func head(_ lines: String...) throws -> OCSPHTTPResponseHead {
        try OCSPHTTPResponseHead(lines: lines.map { Array($0.utf8) })
    }

    @Test(
        arguments: [
            (["max-age=300"], 300),
            (["public, max-age=60, must-revalidate"], 60),
            (["no-transform", "MAX-AGE=7"], 7),
            (["max-age=\"45\""], 45),
            (["max-age=abc"], nil),
            (["max-age=-5"], nil),
            (["s-maxage=10"], nil),
            ([], nil),
        ] as [([String], Int?)])
    func maxAgeIsReadFromEveryCacheControlField(values: [String], expected: Int?) throws {
        let lines = ["HTTP/1.1 200 OK"] + values.map { "Cache-Control: \($0)" }
        let parsed = try OCSPHTTPResponseHead(lines: lines.map { Array($0.utf8) })
        #expect(parsed.maxAge == expected)
    }

    @Test func headerNamesAreCaseInsensitiveAndContentTypeParametersIgnored() throws {
        let parsed = try head("HTTP/1.0 200 OK", "content-TYPE:  Application/OCSP-Response ; charset=binary")
        #expect(parsed.statusCode == 200)
        #expect(parsed.hasOCSPContentType)
        #expect(try !head("HTTP/1.1 200 OK", "Content-Type: text/html").hasOCSPContentType)
        #expect(try !head("HTTP/1.1 200 OK").hasOCSPContentType)
    }

    @Test func bodyFraming() throws {
        #expect(try head("HTTP/1.1 200 OK", "Content-Length: 12").bodyFraming() == .contentLength(12))
        #expect(try head("HTTP/1.1 200 OK", "Content-Length: 5, 5").bodyFraming() == .contentLength(5))
        #expect(
            try head("HTTP/1.1 200 OK", "Transfer-Encoding: gzip, Chunked", "Content-Length: 3").bodyFraming()
                == .chunked)
        #expect(try head("HTTP/1.1 200 OK", "Transfer-Encoding: gzip").bodyFraming() == .untilClose)
        #expect(try head("HTTP/1.1 200 OK").bodyFraming() == .untilClose)
        #expect(try head("HTTP/1.1 204 No Content", "Content-Length: 3").bodyFraming() == .none)
        #expect(throws: OCSPTransportError.Reason.self) {
            try head("HTTP/1.1 200 OK", "Content-Length: 5", "Content-Length: 6").bodyFraming()
        }
        #expect(throws: OCSPTransportError.Reason.self) {
            try head("HTTP/1.1 200 OK", "Content-Length: -1").bodyFraming()
        }
    }

    @Test(arguments: ["ICY 200 OK", "HTTP/1.1 20 OK", "HTTP/2 200", "HTTP/1.1 2000 OK", "garbage"])
    func rejectsInvalidStatusLines(line: String) {
        #expect(throws: OCSPTransportError.Reason.self) { try OCSPHTTPResponseHead(lines: [Array(line.utf8)]) }
    }

    @Test func rejectsInvalidHeaderLines() {
        #expect(throws: OCSPTransportError.Reason.self) { try head("HTTP/1.1 200 OK", "No colon here") }
        #expect(throws: OCSPTransportError.Reason.self) { try head("HTTP/1.1 200 OK", "Bad Name: x") }
        #expect(throws: OCSPTransportError.Reason.self) { try head("HTTP/1.1 200 OK", ": empty name") }
    }
}
