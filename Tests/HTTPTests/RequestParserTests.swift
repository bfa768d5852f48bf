import Testing

@testable import Proxy

@Suite struct RequestParserTests {
    @Test func simpleGet() throws {
        let request = try #require(
            HTTPParsing.request("GET /index.html?q=1 HTTP/1.1\r\nHost: a.test\r\nAccept: */*\r\n\r\n").value ?? nil)
        #expect(request.method == "GET")
        #expect(request.head.method == .get)
        #expect(request.target == "/index.html?q=1")
        #expect(request.head.version == .http11)
        #expect(request.head.framing == .none)
        #expect(request.field("host") == "a.test")
        #expect(request.field("ACCEPT") == "*/*")
        #expect(request.head.clientKeepsAlive)
        #expect(!request.head.expectsContinue)
        #expect(request.head.length == request.bytes.count)
    }

    @Test func incompleteHeadsWait() {
        for text in [
            "", "GET / HT", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: a\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r",
        ] {
            #expect(HTTPParsing.request(text).value == .some(nil), "\(text.debugDescription)")
        }
    }

    @Test func fieldValuesAreTrimmedAndMayHoldObsTextAndTabs() throws {
        let bytes =
            Array("GET / HTTP/1.1\r\nHost:a.test\r\nX-A: \t one\ttwo \t\r\nX-B:\r\nX-C: caf".utf8) + [0xC3, 0xA9]
            + Array("\r\n\r\n".utf8)
        let request = try #require(HTTPParsing.request(bytes).value ?? nil)
        #expect(request.field("host") == "a.test")
        #expect(request.field("x-a") == "one\ttwo")
        #expect(request.field("x-b") == "")
        #expect(request.field("x-c") == "café")
    }

    @Test(arguments: [
        ("POST", HTTPMethod.post), ("PUT", .put), ("DELETE", .delete), ("HEAD", .head), ("OPTIONS", .options),
        ("TRACE", .trace), ("PATCH", .other), ("PURGE", .other), ("get", .other), ("M-SEARCH", .other),
    ])
    func methodsAreTokensAndCaseSensitive(method: String, expected: HTTPMethod) throws {
        let request = try #require(HTTPParsing.request("\(method) / HTTP/1.1\r\nHost: a\r\n\r\n").value ?? nil)
        #expect(request.method == method)
        #expect(request.head.method == expected)
    }

    @Test(arguments: [
        ("GET", "/"), ("GET", "/a/b;c=d?e=f&g=%2F"), ("GET", "https://a.test/x"), ("GET", "http://a.test:8080"),
        ("OPTIONS", "*"), ("CONNECT", "a.test:443"), ("CONNECT", "[2001:db8::1]:443"), ("GET", "/{json}|^`\"<>"),
    ])
    func targetForms(method: String, target: String) throws {
        let request = try #require(HTTPParsing.request("\(method) \(target) HTTP/1.1\r\nHost: a\r\n\r\n").value ?? nil)
        #expect(request.target == target)
    }

    @Test func contentLengthAndChunkedFraming() throws {
        let length = try #require(
            HTTPParsing.request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n").value ?? nil)
        #expect(length.head.framing == .length(42))
        let zero = try #require(
            HTTPParsing.request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").value ?? nil)
        #expect(zero.head.framing == .length(0))
        let repeated = try #require(
            HTTPParsing.request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n").value
                ?? nil)
        #expect(repeated.head.framing == .length(7))
        for value in ["chunked", "Chunked", "CHUNKED", " , chunked", "chunked , "] {
            let chunked = try #require(
                HTTPParsing.request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n").value ?? nil)
            #expect(chunked.head.framing == .chunked, "\(value)")
        }
    }

    @Test func connectionOptionsAndPersistence() throws {
        let close = try #require(
            HTTPParsing.request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").value ?? nil)
        #expect(close.head.connection.close)
        #expect(!close.head.clientKeepsAlive)
        let http10 = try #require(HTTPParsing.request("GET / HTTP/1.0\r\n\r\n").value ?? nil)
        #expect(http10.head.version == .http10)
        #expect(!http10.head.clientKeepsAlive)
        #expect(http10.head.hostField == nil)
        let keepAlive10 = try #require(
            HTTPParsing.request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").value ?? nil)
        #expect(keepAlive10.head.clientKeepsAlive)
        let later = try #require(HTTPParsing.request("GET / HTTP/1.7\r\nHost: a\r\n\r\n").value ?? nil)
        #expect(later.head.version == .http11)
    }

    @Test func upgradeNeedsConnectionUpgradeAndHTTP11() throws {
        let upgrade = try #require(
            HTTPParsing.request(
                "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n"
            )
            .value ?? nil)
        #expect(upgrade.head.isUpgrade)
        let withoutConnection = try #require(
            HTTPParsing.request("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n").value ?? nil)
        #expect(!withoutConnection.head.isUpgrade)
        let http10 = try #require(
            HTTPParsing.request("GET /ws HTTP/1.0\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n").value ?? nil)
        #expect(!http10.head.isUpgrade)
    }

    @Test func expectContinue() throws {
        let expect = try #require(
            HTTPParsing.request("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n").value
                ?? nil)
        #expect(expect.head.expectsContinue)
        let http10 = try #require(
            HTTPParsing.request("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n").value ?? nil)
        #expect(!http10.head.expectsContinue)
    }

    @Test func hopByHopFieldsAreMarked() throws {
        let request = try #require(
            HTTPParsing.request(
                "GET / HTTP/1.1\r\nHost: a\r\nConnection: x-secret, Keep-Alive, Content-Length, host\r\nKeep-Alive: 5\r\n"
                    + "X-Secret: 1\r\nTE: trailers\r\nTrailer: x\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\n"
                    + "X-Kept: 2\r\n\r\n"
            ).value ?? nil)
        let hop = request.fields.filter(\.isHopByHop).map { request.text($0.lineStart..<$0.nameEnd) }
        #expect(hop == ["Connection", "Keep-Alive", "X-Secret", "TE", "Trailer", "Proxy-Connection", "Upgrade"])
        #expect(request.field("x-kept") == "2")
    }

    @Test func headAtTheLimitsIsAccepted() throws {
        let prefix = "GET / HTTP/1.1\r\nHost: a\r\nX: "
        let text = prefix + String(repeating: "a", count: 200 - prefix.utf8.count - 4) + "\r\n\r\n"
        #expect(text.utf8.count == 200)
        #expect(HTTPParsing.request(text, maxHeader: 200).value != nil)
        let fields = "GET / HTTP/1.1\r\nHost: a\r\n" + (1...9).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(HTTPParsing.request(fields, maxHeaders: 10).value != nil)
    }

    @Test func theHeadEndsAtTheBlankLineAndLeavesWhatFollows() throws {
        let text = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n"
        let request = try #require(HTTPParsing.request(text).value ?? nil)
        #expect(request.head.length == text.utf8.count - "abcGET / HTTP/1.1\r\n".utf8.count)
    }
}
