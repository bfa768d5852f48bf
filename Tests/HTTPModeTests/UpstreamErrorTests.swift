import Foundation
import TestSupport
import Testing

extension HTTPModeSuite {
    /// A dead, slow or broken backend gets the client a clean 502 or 504 (`Connection: close`),
    /// logged with the server and the reason; only requests that are safe to repeat are retried.
    @Suite struct UpstreamErrorTests {
        @Test func unreachableUpstreamIs502() throws {
            let closedPort = try freeLoopbackPort()
            let daemon = try HTTPModeDaemon(upstreamPorts: [closedPort])
            let mark = daemon.logMark()
            let client = try daemon.connect()
            let response = try client.get("/")
            #expect(response.status == 502)
            #expect(response.fields.value("connection") == "close")
            #expect(response.bodyText == "502 Bad Gateway\n")
            #expect(client.waitForClose())
            let failure = try daemon.waitForLog(containing: "warning upstream connect failed", after: mark)
            #expect(failure.contains("server=127.0.0.1:\(closedPort)"))
            #expect(failure.contains("reason=\"Connection refused\""))
            let answered = try daemon.waitForLog(containing: "error upstream unavailable; answered 502", after: mark)
            #expect(answered.contains("server=127.0.0.1:\(closedPort)"))
            #expect(answered.contains("Connection refused"))
            #expect(answered.contains("upstream=app"))
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func aRefusingServerIsSkippedForTheNext() throws {
            let closedPort = try freeLoopbackPort()
            let backend = try RecordingBackend()
            let daemon = try HTTPModeDaemon(upstreamPorts: [closedPort, backend.port])
            let client = try daemon.connect()
            #expect(try client.get("/").status == 200)
            #expect(backend.requests.count == 1)
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func noResponseHeadWithinUpstreamTimeoutIs504() throws {
            let backend = try RecordingBackend { _ in .silence }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port], frontend: ["upstream_timeout 1s;"])
            let mark = daemon.logMark()
            let client = try daemon.connect()
            let started = ContinuousClock.now
            let response = try client.get("/slow")
            let elapsed = ContinuousClock.now - started
            #expect(response.status == 504)
            #expect(response.fields.value("connection") == "close")
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(5), "after \(elapsed)")
            let answered = try daemon.waitForLog(containing: "error upstream timeout; answered 504", after: mark)
            #expect(answered.contains("server=127.0.0.1:\(backend.port)"))
            #expect(answered.contains("no response head within upstream_timeout"))
            #expect(backend.requests.count == 1)
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test(arguments: [
            ("both framings", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok"),
            ("bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"),
            ("not HTTP", "SSH-2.0-OpenSSH_9.2\r\n\r\n"),
            ("folded field", "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 2\r\n\r\nok"),
        ])
        func anInvalidResponseIs502(name: String, response: String) throws {
            let backend = try RecordingBackend { _ in .raw(Array(response.utf8), close: true) }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let mark = daemon.logMark()
            let client = try daemon.connect()
            let answer = try client.get("/")
            #expect(answer.status == 502, "\(name)")
            #expect(answer.fields.value("connection") == "close")
            let logged = try daemon.waitForLog(containing: "error invalid upstream response; answered 502", after: mark)
            #expect(logged.contains("server=127.0.0.1:\(backend.port)"))
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func aServerClosingBeforeRespondingIs502AndAPostIsNotRetried() throws {
            let backend = try RecordingBackend { _ in .close }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let mark = daemon.logMark()
            let client = try daemon.connect()
            try client.send("POST /once HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\n\r\nbody")
            #expect(try client.readResponse().status == 502)
            let answered = try daemon.waitForLog(containing: "error upstream unavailable; answered 502", after: mark)
            #expect(answered.contains("before responding"))
            #expect(backend.requests.count == 1)
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func aKeptConnectionClosedByTheServerIsRetriedOnlyForIdempotentRequests() throws {
            // Every kept connection dies on its second request without a response byte: the race
            // between reusing an idle connection and the server closing it.
            let backend = try RecordingBackend { request in
                request.sequence == 0 ? .respond(status: 200, body: Array(request.target.utf8)) : .close
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port], upstream: ["keepalive 4;"])
            let client = try daemon.connect()
            #expect(try client.get("/1").bodyText == "/1")
            let retried = try client.get("/2")
            #expect(retried.status == 200)
            #expect(retried.bodyText == "/2")
            #expect(backend.requests.map(\.target) == ["/1", "/2", "/2"])
            try client.send("POST /3 HTTP/1.1\r\nHost: a.test\r\nContent-Length: 1\r\n\r\nx")
            #expect(try client.readResponse().status == 502)
            #expect(backend.requests.map(\.target) == ["/1", "/2", "/2", "/3"])
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func aTruncatedResponseEndsTheClientConnectionWithoutCloseNotify() throws {
            let backend = try RecordingBackend { _ in
                .raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b".utf8), close: true)
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            try client.send("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n")
            let head = try #require(try client.stream.readHead())
            #expect(head.startLine == "HTTP/1.1 200 OK")
            #expect(try client.stream.readToEnd() == Array("only ten b".utf8))
            #expect(!client.tls.receivedCloseNotify)
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func anIncompleteHeadAfterRequestTimeoutIs408() throws {
            let backend = try RecordingBackend()
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port], frontend: ["request_timeout 1s;"])
            let client = try daemon.connect()
            try client.send("GET / HTTP/1.1\r\nHost: a.t")
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(client.waitForClose())
            #expect(backend.receivedBytes == 0)
            client.close()
            #expect(try daemon.stop() == 0)
        }
    }
}
