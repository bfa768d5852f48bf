import Stapling
import TestSupport
import Testing

/// The client against the fault-injecting OCSP responder (a real HTTP server in another process).
@Suite("OCSP HTTP client against the fault responder", .serialized)
struct OCSPHTTPClientResponderTests {
    let fixture: TransportFixture
    let client = OCSPHTTPClient()

    init() throws { fixture = try TransportFixture.shared() }

    @Test func shortRequestIsSentWithGET() throws {
        let responder = try FaultResponder()
        let response = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).response()
        #expect(response.method == .get)
        #expect(response.statusCode == 200)
        #expect(response.contentType == "application/ocsp-response")
        #expect(response.maxAge == nil)
        #expect(response.body.first == 0x30)
        #expect(response.remoteAddress == "127.0.0.1:\(responder.port)")
        #expect(response.latency > .zero)
        #expect(try responder.stats()["get"] == 1)
        #expect(responder.requestLog.first?.contains("method=GET") == true)
        #expect(responder.requestLog.first?.contains("ocsp=good") == true)
    }

    @Test func longRequestIsSentWithPOST() throws {
        let responder = try FaultResponder()
        let response = try client.fetch(url: responder.url, request: fixture.longRequest, settings: .test).response()
        #expect(response.method == .post)
        #expect(try responder.stats()["post"] == 1)
        #expect(responder.requestLog.first?.contains("method=POST") == true)
    }

    @Test func maxAgeIsReturned() throws {
        let responder = try FaultResponder(mode: "max-age:120")
        let response = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).response()
        #expect(response.maxAge == 120)
    }

    @Test func chunkedResponseIsReassembled() throws {
        let responder = try FaultResponder(mode: "chunked")
        let chunked = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).response()
        // The reassembled body is exactly one DER SEQUENCE (ECDSA signatures vary in length, so
        // comparing with another response's size would not do).
        #expect(chunked.body.first == 0x30)
        #expect(Self.derElementLength(chunked.body) == chunked.body.count)
    }

    @Test func serverErrorIsNamed() throws {
        let responder = try FaultResponder(mode: "http500")
        let error = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).error()
        #expect(error.reason == .httpStatus(500))
        #expect(error.method == .get)
        #expect(error.description.contains("HTTP status 500"))
        #expect(error.description.contains(responder.url))
    }

    @Test func wrongContentTypeIsRejected() throws {
        let responder = try FaultResponder(mode: "wrong-content-type")
        let error = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).error()
        #expect(error.reason == .wrongContentType("text/html"))
    }

    @Test func oversizeBodyIsRejected() throws {
        let responder = try FaultResponder(mode: "oversize")
        let error = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).error()
        #expect(error.reason == .bodyTooLarge(cap: 64 * 1024))
    }

    @Test func hangingResponderTimesOut() throws {
        let responder = try FaultResponder(mode: "hang")
        let settings = OCSPTransportSettings.test.with(totalTimeout: .seconds(1))
        let error = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: settings).error()
        #expect(error.reason == .timeout(.responseHead))
    }

    @Test func slowResponderWithinTheDeadlineSucceedsAndBeyondItTimesOut() throws {
        let responder = try FaultResponder(mode: "slow:1")
        let response = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).response()
        #expect(response.latency >= .milliseconds(900))
        let tight = OCSPTransportSettings.test.with(totalTimeout: .milliseconds(300))
        let error = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: tight).error()
        #expect(error.reason == .timeout(.responseHead))
    }

    @Test func connectionClosedWithoutAnswerIsNamed() throws {
        let responder = try FaultResponder(mode: "refuse")
        let error = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).error()
        switch error.reason {
        case .connectionClosed(.responseHead), .ioFailed(.responseHead, _), .ioFailed(.sendRequest, _): break
        default: Issue.record("unexpected reason: \(error)")
        }
    }

    /// The control file switches faults between requests without a restart (a retry after a failure).
    @Test func controlFileSwitchesModesAtRuntime() throws {
        let responder = try FaultResponder(mode: "http500")
        let failed = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).error()
        #expect(failed.reason == .httpStatus(500))
        try responder.setMode("good")
        _ = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).response()
        #expect(try responder.stats()["requests"] == 2)
    }

    @Test func garbageBodyIsTheVerifiersBusinessNotTheTransports() throws {
        let responder = try FaultResponder(mode: "garbage")
        let response = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).response()
        #expect(response.body.count == 300)
    }

    /// The total length (header included) of the DER element at the start of `bytes`.
    static func derElementLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        let first = Int(bytes[1])
        if first < 0x80 { return 2 + first }
        let count = first & 0x7F
        guard count <= 4, bytes.count >= 2 + count else { return nil }
        let length = bytes[2..<2 + count].reduce(0) { $0 << 8 | Int($1) }
        return 2 + count + length
    }
}
