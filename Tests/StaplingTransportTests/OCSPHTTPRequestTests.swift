import Testing

@testable import Stapling

@Suite("OCSP HTTP request encoding")
struct OCSPHTTPRequestTests {
    private func url(_ text: String) throws -> OCSPResponderURL { try OCSPResponderURL(parsing: text) }

    private func headText(_ request: OCSPHTTPRequest) -> String {
        String(decoding: request.bytes, as: UTF8.self)
    }

    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")])
    func base64MatchesRFC4648Vectors(input: String, expected: String) {
        #expect(OCSPHTTPRequest.base64(Array(input.utf8)) == expected)
    }

    @Test func urlEncodingEscapesOnlyPlusSlashAndEquals() {
        #expect(OCSPHTTPRequest.urlEncode("Ab+/9=") == "Ab%2B%2F9%3D")
    }

    /// The 255-byte limit applies to the URL-encoded base64, not to the DER or the raw base64.
    @Test(arguments: [
        ([UInt8](repeating: 0, count: 189), OCSPHTTPMethod.get),  // 252 × "A"
        ([UInt8](repeating: 0, count: 192), .post),  // 256 × "A"
        (Array([[UInt8]](repeating: [0xFB, 0xEF, 0xBE], count: 21).joined()), .get),  // 28 × "+" → 84 × 3 bytes
        (Array([[UInt8]](repeating: [0xFB, 0xEF, 0xBE], count: 22).joined()), .post),  // 88 × "+" → 264 bytes
    ])
    func methodDependsOnEncodedLength(der: [UInt8], method: OCSPHTTPMethod) throws {
        let request = OCSPHTTPRequest(url: try url("http://ocsp.example.com/"), der: der, absoluteForm: false)
        #expect(request.method == method)
        let encodedLength = OCSPHTTPRequest.urlEncode(OCSPHTTPRequest.base64(der)).utf8.count
        #expect((encodedLength <= 255) == (method == .get))
    }

    @Test(arguments: [
        ("http://ocsp.example.com", "GET /AAAA HTTP/1.1", "Host: ocsp.example.com"),
        ("http://ocsp.example.com/ocsp", "GET /ocsp/AAAA HTTP/1.1", "Host: ocsp.example.com"),
        ("http://ocsp.example.com:8080/ocsp/", "GET /ocsp/AAAA HTTP/1.1", "Host: ocsp.example.com:8080"),
        ("https://ocsp.example.com:443/", "GET /AAAA HTTP/1.1", "Host: ocsp.example.com"),
        ("http://[2001:db8::1]:81/", "GET /AAAA HTTP/1.1", "Host: [2001:db8::1]:81"),
    ])
    func getRequestAppendsTheEncodedRequestToThePath(responder: String, requestLine: String, host: String) throws {
        let request = OCSPHTTPRequest(url: try url(responder), der: [0, 0, 0], absoluteForm: false)
        let lines = headText(request).components(separatedBy: "\r\n")
        #expect(lines.first == requestLine)
        #expect(lines.contains(host))
        #expect(lines.contains("Connection: close"))
        #expect(!lines.contains { $0.hasPrefix("Content-Length") })
    }

    @Test func postCarriesTheDERWithItsContentType() throws {
        let der = [UInt8](repeating: 0x30, count: 400)
        let request = OCSPHTTPRequest(url: try url("http://ocsp.example.com/ocsp"), der: der, absoluteForm: false)
        #expect(request.method == .post)
        let text = headText(request)
        #expect(text.hasPrefix("POST /ocsp HTTP/1.1\r\n"))
        #expect(text.contains("Content-Type: application/ocsp-request\r\n"))
        #expect(text.contains("Content-Length: 400\r\n"))
        #expect(Array(request.bytes.suffix(400)) == der)
    }

    @Test func aQueryInTheResponderURLForcesPOST() throws {
        let request = OCSPHTTPRequest(url: try url("http://ocsp.example.com/ocsp?ca=1"), der: [1], absoluteForm: false)
        #expect(request.method == .post)
        #expect(headText(request).hasPrefix("POST /ocsp?ca=1 HTTP/1.1\r\n"))
    }

    @Test func proxiedRequestsUseTheAbsoluteForm() throws {
        let request = OCSPHTTPRequest(
            url: try url("http://ocsp.example.com:8080/x"), der: [0, 0, 0], absoluteForm: true)
        #expect(headText(request).hasPrefix("GET http://ocsp.example.com:8080/x/AAAA HTTP/1.1\r\n"))
    }
}
