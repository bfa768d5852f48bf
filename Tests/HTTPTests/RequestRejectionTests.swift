import Testing

@testable import Proxy

/// One request that must be refused, the rule it breaks and the status its client gets.
struct Rejection: Sendable, CustomTestStringConvertible {
    var name: String
    var request: String
    var violation: HTTPViolation
    var status: Int

    init(_ name: String, _ request: String, _ violation: HTTPViolation, _ status: Int) {
        self.name = name
        self.request = request
        self.violation = violation
        self.status = status
    }

    var testDescription: String { name }
}

@Suite struct RequestRejectionTests {
    static let head = "POST / HTTP/1.1\r\nHost: a.test\r\n"

    static let framing: [Rejection] = [
        Rejection(
            "CL.TE", head + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n",
            .contentLengthWithTransferEncoding, 400),
        Rejection(
            "TE.CL", head + "Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n",
            .contentLengthWithTransferEncoding, 400),
        Rejection(
            "CL with an unknown TE", head + "Content-Length: 6\r\nTransfer-Encoding: xchunked\r\n\r\n",
            .contentLengthWithTransferEncoding, 400),
        Rejection(
            "differing Content-Length fields", head + "Content-Length: 6\r\nContent-Length: 7\r\n\r\n",
            .conflictingContentLength, 400),
        Rejection(
            "differing Content-Length list", head + "Content-Length: 6, 7\r\n\r\n", .conflictingContentLength, 400),
        Rejection("signed Content-Length", head + "Content-Length: +6\r\n\r\n", .invalidContentLength, 400),
        Rejection("negative Content-Length", head + "Content-Length: -1\r\n\r\n", .invalidContentLength, 400),
        Rejection("hex Content-Length", head + "Content-Length: 0x10\r\n\r\n", .invalidContentLength, 400),
        Rejection(
            "Content-Length with a space inside", head + "Content-Length: 1 2\r\n\r\n", .invalidContentLength, 400),
        Rejection("empty Content-Length", head + "Content-Length:\r\n\r\n", .invalidContentLength, 400),
        Rejection(
            "Content-Length with an empty element", head + "Content-Length: 6,\r\n\r\n", .invalidContentLength, 400),
        Rejection(
            "huge Content-Length", head + "Content-Length: 99999999999999999999\r\n\r\n", .invalidContentLength, 400),
        Rejection("TE.TE unknown coding", head + "Transfer-Encoding: xchunked\r\n\r\n", .unknownTransferCoding, 501),
        Rejection(
            "TE.TE coding before chunked", head + "Transfer-Encoding: gzip, chunked\r\n\r\n", .unknownTransferCoding,
            501),
        Rejection(
            "TE.TE unknown then chunked", head + "Transfer-Encoding: identity, chunked\r\n\r\n", .unknownTransferCoding,
            501),
        Rejection(
            "TE.TE chunked not final", head + "Transfer-Encoding: chunked, identity\r\n\r\n", .chunkedNotFinal, 400),
        Rejection(
            "TE.TE second field", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: cow\r\n\r\n",
            .chunkedNotFinal, 400),
        Rejection("TE.TE chunked twice", head + "Transfer-Encoding: chunked, chunked\r\n\r\n", .chunkedNotFinal, 400),
        Rejection("TE.TE known coding alone", head + "Transfer-Encoding: gzip\r\n\r\n", .chunkedNotFinal, 400),
        Rejection("TE.TE empty", head + "Transfer-Encoding: ,\r\n\r\n", .chunkedNotFinal, 400),
        Rejection("TE.TE quoted", head + "Transfer-Encoding: \"chunked\"\r\n\r\n", .invalidTransferEncoding, 400),
        Rejection("TE.TE parameter", head + "Transfer-Encoding: chunked;q=1\r\n\r\n", .invalidTransferEncoding, 400),
        Rejection("TE.TE vertical tab", head + "Transfer-Encoding: chunked\u{0B}\r\n\r\n", .controlCharacter, 400),
        Rejection(
            "TE.TE space before colon", head + "Transfer-Encoding : chunked\r\n\r\n", .whitespaceBeforeColon, 400),
        Rejection("TE.TE folded", head + "X: y\r\n Transfer-Encoding: chunked\r\n\r\n", .obsFold, 400),
        Rejection(
            "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            .transferEncodingInHTTP10, 400),
    ]

    static let syntax: [Rejection] = [
        Rejection("whitespace before colon", head + "Host : b\r\n\r\n", .whitespaceBeforeColon, 400),
        Rejection("tab before colon", head + "Content-Length\t: 0\r\n\r\n", .whitespaceBeforeColon, 400),
        Rejection("obs-fold", head + "X-A: one\r\n\ttwo\r\n\r\n", .obsFold, 400),
        Rejection("space before the first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", .obsFold, 400),
        Rejection("bare CR in a value", head + "X-A: one\rtwo\r\n\r\n", .bareCR, 400),
        Rejection("bare CR in the request line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", .bareCR, 400),
        Rejection("bare CR in a name", head + "X-\rA: 1\r\n\r\n", .bareCR, 400),
        Rejection("bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n", .bareLF, 400),
        Rejection("a bare LF among CRLFs", head + "X-A: 1\n\r\n", .bareLF, 400),
        Rejection("NUL in a value", head + "X-A: a\u{0}b\r\n\r\n", .nul, 400),
        Rejection("NUL in a name", head + "X\u{0}A: 1\r\n\r\n", .nul, 400),
        Rejection("NUL in the target", "GET /a\u{0}b HTTP/1.1\r\nHost: a\r\n\r\n", .nul, 400),
        Rejection("DEL in a value", head + "X-A: a\u{7F}\r\n\r\n", .controlCharacter, 400),
        Rejection("escape in a value", head + "X-A: \u{1B}[0m\r\n\r\n", .controlCharacter, 400),
        Rejection("field name with a separator", head + "X(A): 1\r\n\r\n", .invalidFieldName, 400),
        Rejection("empty field name", head + ": 1\r\n\r\n", .invalidFieldName, 400),
        Rejection("line without colon", head + "X-A\r\n\r\n", .invalidFieldName, 400),
        Rejection("method with a separator", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod, 400),
        Rejection("tab after the method", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod, 400),
        Rejection("space before the method", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod, 400),
        Rejection("method alone", "GET\r\nHost: a\r\n\r\n", .invalidMethod, 400),
        Rejection("two spaces after the method", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("relative target", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("bad percent-encoding", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("truncated percent-encoding", "GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("fragment in the target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("backslash in the target", "GET /a\\..\\b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("non-ASCII target", "GET /é HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("CONNECT to a path", "CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("CONNECT without a port", "CONNECT a.test HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget, 400),
        Rejection("lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", .invalidVersion, 400),
        Rejection("space after the version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", .invalidVersion, 400),
        Rejection("two-digit minor version", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", .invalidVersion, 400),
        Rejection("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion, 505),
        Rejection("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", .unsupportedVersion, 505),
        Rejection("HTTP/0.9", "GET /index.html\r\n", .http09, 505),
        Rejection("missing Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .missingHost, 400),
        Rejection("two Host fields", head + "Host: b.test\r\n\r\n", .multipleHosts, 400),
        Rejection("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .invalidHost, 400),
        Rejection("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost, 400),
        Rejection("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", .invalidHost, 400),
        Rejection("Connection with a quoted option", head + "Connection: \"close\"\r\n\r\n", .invalidConnection, 400),
    ]

    @Test(arguments: framing + syntax)
    func refused(_ rejection: Rejection) {
        #expect(HTTPParsing.violation(rejection.request) == rejection.violation)
        #expect(rejection.violation.status.status == rejection.status)
    }

    @Test func headOverTheLimitIs431() {
        let text = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 300) + "\r\n\r\n"
        #expect(HTTPParsing.violation(text, maxHeader: 200) == .headTooLarge)
        #expect(HTTPViolation.headTooLarge.status == .headerFieldsTooLarge)
        // Refused as soon as the limit is reached, without waiting for the end of the head.
        let bytes = Array(text.utf8)
        #expect(HTTPParsing.request(Array(bytes.prefix(210)), maxHeader: 200).value == nil)
        #expect(HTTPParsing.request(Array(bytes.prefix(199)), maxHeader: 200).value == .some(nil))
    }

    @Test func tooManyFieldsIs431() {
        let fields = "GET / HTTP/1.1\r\nHost: a\r\n" + (1...10).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(HTTPParsing.violation(fields, maxHeaders: 10) == .tooManyHeaders)
        #expect(HTTPViolation.tooManyHeaders.status.status == 431)
    }

    @Test func aBadRequestLineIsRefusedBeforeTheHeadEnds() {
        #expect(HTTPParsing.violation("GET /index.html\r\n") == .http09)
        #expect(HTTPParsing.violation("G@T / HTTP/1.1\r\nHost: a\r\n") == .invalidMethod)
        #expect(HTTPParsing.violation("GET / HTTP/3.0\r\n") == .unsupportedVersion)
    }
}
