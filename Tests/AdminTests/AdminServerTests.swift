import Config
import EventLoop
import Foundation
import Glibc
import TestSupport
import Testing

@testable import Daemon

@Suite("Admin HTTP server on a real event loop", .serialized, .timeLimit(.minutes(1)))
struct AdminServerTests {
    static func get(_ path: String, method: String = "GET", port: UInt16, extra: String = "") throws -> RawExchange {
        try RawExchange.send("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n\(extra)\r\n", port: port)
    }

    @Test("GET /metrics: 200, the exposition content type, parsed by prometheus_client")
    func metrics() throws {
        let harness = try LoopHarness()
        let exchange = try Self.get("/metrics", port: harness.port)
        #expect(exchange.status == 200)
        #expect(exchange.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(exchange.header("Connection") == "close")
        #expect(exchange.header("Content-Length") == String(exchange.body.utf8.count))
        let families = try PrometheusParser.parse(exchange.body)
        #expect(families.value("stapled_build_info", ["version": "9.8.7-test"]) == 1)
        #expect(families.value("stapled_connections_total") == 29)
        #expect(!families.samples("stapled_staple_valid").isEmpty)
    }

    @Test("GET /status: 200 JSON with every certificate")
    func status() throws {
        let harness = try LoopHarness()
        let exchange = try Self.get("/status", port: harness.port)
        #expect(exchange.status == 200)
        #expect(exchange.header("Content-Type") == "application/json")
        let document = try AdminFixtures.foundationJSON(exchange.body)
        #expect(document["version"] as? String == "9.8.7-test")
        #expect((document["certificates"] as? [Any])?.count == AdminFixtures.all.count)
    }

    @Test("POST /ocsp/refresh: 202 and the data source is asked to refresh, once per request")
    func refresh() throws {
        let harness = try LoopHarness()
        let first = try Self.get("/ocsp/refresh", method: "POST", port: harness.port, extra: "Content-Length: 0\r\n")
        #expect(first.status == 202)
        let body = try AdminFixtures.foundationJSON(first.body)
        #expect(body["refresh"] as? String == "requested")
        // A body (which no endpoint reads) is consumed before the answer.
        let second = try RawExchange.send(
            "POST /ocsp/refresh HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", port: harness.port)
        #expect(second.status == 202)
        #expect(harness.source.refreshes == 2)
    }

    @Test("HEAD /metrics: the GET headers, no body")
    func head() throws {
        let harness = try LoopHarness()
        let exchange = try Self.get("/metrics", method: "HEAD", port: harness.port)
        #expect(exchange.status == 200)
        #expect(exchange.body.isEmpty)
        #expect(Int(exchange.header("Content-Length") ?? "") ?? 0 > 100)
    }

    @Test("unknown path: 404 naming the endpoints")
    func notFound() throws {
        let harness = try LoopHarness()
        let exchange = try Self.get("/nope", port: harness.port)
        #expect(exchange.status == 404)
        #expect(exchange.body.contains("GET /metrics"))
    }

    @Test(
        "wrong method: 405 with Allow",
        arguments: [
            ("POST", "/metrics", "GET, HEAD"), ("DELETE", "/status", "GET, HEAD"), ("GET", "/ocsp/refresh", "POST"),
        ]
    )
    func methodNotAllowed(method: String, path: String, allow: String) throws {
        let harness = try LoopHarness()
        let exchange = try Self.get(path, method: method, port: harness.port)
        #expect(exchange.status == 405)
        #expect(exchange.header("Allow") == allow)
        #expect(harness.source.refreshes == 0)
    }

    @Test("malformed request: 400; other HTTP versions: 505")
    func malformed() throws {
        let harness = try LoopHarness()
        #expect(try RawExchange.send("GARBAGE\r\n\r\n", port: harness.port).status == 400)
        #expect(try RawExchange.send("GET /status HTTP/1.1\r\n\r\n", port: harness.port).status == 400)
        #expect(try RawExchange.send("GET /status HTTP/3.0\r\nHost: a\r\n\r\n", port: harness.port).status == 505)
    }

    @Test("a request head over the cap: 431, and the connection is closed")
    func oversizedHead() throws {
        var limits = AdminServer.Limits()
        limits.maxHeadBytes = 1_024
        let harness = try LoopHarness(limits: limits)
        let padding = String(repeating: "a", count: 2_000)
        let exchange = try RawExchange.send(
            "GET /status HTTP/1.1\r\nHost: a\r\nX-Padding: \(padding)\r\n\r\n", port: harness.port)
        #expect(exchange.status == 431)
        // Without the blank line ever arriving, too.
        let stream = try TCPStream.connect(port: harness.port, timeout: .seconds(5))
        try stream.write("GET /status HTTP/1.1\r\nX: " + padding)
        #expect(try RawExchange.parse(try stream.readToEOF()).status == 431)
    }

    @Test("the default head cap is 8 KiB")
    func defaultHeadCap() throws {
        let harness = try LoopHarness()
        let padding = String(repeating: "a", count: 9_000)
        let exchange = try RawExchange.send(
            "GET /status HTTP/1.1\r\nHost: a\r\nX-Padding: \(padding)\r\n\r\n", port: harness.port)
        #expect(exchange.status == 431)
    }

    @Test("a body over the cap: 413")
    func oversizedBody() throws {
        let harness = try LoopHarness()
        let exchange = try Self.get(
            "/ocsp/refresh", method: "POST", port: harness.port, extra: "Content-Length: 100000\r\n")
        #expect(exchange.status == 413)
        #expect(harness.source.refreshes == 0)
    }

    @Test("a request that arrives a byte at a time is served")
    func slowClient() throws {
        let harness = try LoopHarness()
        let stream = try TCPStream.connect(port: harness.port, timeout: .seconds(5))
        for byte in "GET /status HTTP/1.1\r\nHost: a\r\n\r\n".utf8 {
            try stream.write([byte])
            usleep(1_000)
        }
        #expect(try RawExchange.parse(try stream.readToEOF()).status == 200)
    }

    @Test("per-connection timeout: silence is closed, a partial request gets 408")
    func timeout() throws {
        var limits = AdminServer.Limits()
        limits.requestTimeout = 0.3
        let harness = try LoopHarness(limits: limits)
        let started = ContinuousClock.now
        let silent = try TCPStream.connect(port: harness.port, timeout: .seconds(5))
        #expect(try silent.readToEOF().isEmpty)
        #expect(ContinuousClock.now - started < .seconds(3))
        let partial = try TCPStream.connect(port: harness.port, timeout: .seconds(5))
        try partial.write("GET /status HTTP/1.1\r\n")
        #expect(try RawExchange.parse(try partial.readToEOF()).status == 408)
    }

    @Test("connections over the limit get 503; served again once one closes")
    func connectionLimit() throws {
        var limits = AdminServer.Limits()
        limits.maxConnections = 2
        let harness = try LoopHarness(limits: limits)
        let first = try TCPStream.connect(port: harness.port, timeout: .seconds(5))
        let second = try TCPStream.connect(port: harness.port, timeout: .seconds(5))
        try first.write("GET")
        try second.write("GET")
        usleep(100_000)  // Both accepted before the third arrives.
        let third = try TCPStream.connect(port: harness.port, timeout: .seconds(5))
        let refused = try RawExchange.parse(try third.readToEOF())
        #expect(refused.status == 503)
        first.close()
        second.close()
        usleep(100_000)
        #expect(try Self.get("/status", port: harness.port).status == 200)
    }

    @Test("the engine not answering in time: 503 on /status and /metrics")
    func engineUnavailable() throws {
        let harness = try LoopHarness(source: RecordingDataSource(statuses: nil))
        #expect(try Self.get("/status", port: harness.port).status == 503)
        #expect(try Self.get("/metrics", port: harness.port).status == 503)
    }

    @Test("a busy TCP address is a start-up error at the admin directive's location")
    func busyAddress() throws {
        let harness = try LoopHarness()
        let loop = EventLoop()
        let location = SourceLocation(file: "/etc/stapled/stapled.conf", line: 3, column: 1)
        let error = #expect(throws: StartupError.self) {
            try AdminServer.start(
                Located(harness.address, at: location), on: loop, source: harness.source,
                logger: LoopHarness.quietLogger)
        }
        #expect(error?.location == location)
        #expect(error?.message.contains("Address already in use") == true)
        let none = try AdminServer.start(nil, on: loop, source: harness.source, logger: LoopHarness.quietLogger)
        #expect(none == nil)
    }
}
