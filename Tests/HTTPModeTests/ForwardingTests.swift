import Foundation
import TestSupport
import Testing

extension HTTPModeSuite {
    /// What a backend receives: the forwarding fields, no hop-by-hop fields, every request of a
    /// kept-alive or pipelining client, in order.
    @Suite struct ForwardingTests {
        @Test func forwardingFieldsArriveAndHopByHopFieldsDoNot() throws {
            let backend = try RecordingBackend()
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port], frontend: ["forwarded on;"])
            let client = try daemon.connect()
            #expect(client.negotiatedALPN == "http/1.1")
            let response = try client.get(
                "/path?q=1",
                [
                    "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Proto: http", "X-Forwarded-Host: evil.test",
                    "Forwarded: for=203.0.113.9", "Connection: keep-alive, X-Hop", "X-Hop: secret",
                    "Keep-Alive: timeout=5", "Proxy-Connection: keep-alive", "TE: trailers", "Trailer: X-Sum",
                    "Upgrade: h2c", "X-End-To-End: kept",
                ])
            #expect(response.status == 200)
            #expect(response.bodyText == "ok\n")
            let request = try #require(backend.requests.first)
            #expect(request.requestLine == "GET /path?q=1 HTTP/1.1")
            let fields = request.fields
            #expect(fields.values("host") == ["a.test"])
            #expect(fields.values("x-forwarded-for") == ["127.0.0.1"])
            #expect(fields.values("x-forwarded-proto") == ["https"])
            #expect(fields.values("x-forwarded-host") == ["a.test"])
            #expect(fields.values("forwarded") == ["for=127.0.0.1;host=\"a.test\";proto=https"])
            #expect(fields.values("x-end-to-end") == ["kept"])
            for name in ["connection", "x-hop", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"] {
                #expect(!fields.contains(name), "\(name) was forwarded")
            }
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func aTrustedPeerExtendsForwardedFor() throws {
            let backend = try RecordingBackend()
            let daemon = try HTTPModeDaemon(
                upstreamPorts: [backend.port], frontend: ["trusted_proxies 10.0.0.0/8 127.0.0.0/8;", "forwarded on;"])
            let client = try daemon.connect()
            _ = try client.get("/", ["X-Forwarded-For: 203.0.113.9, 10.1.1.1", "Forwarded: for=203.0.113.9"])
            let request = try #require(backend.requests.first)
            #expect(request.fields.values("x-forwarded-for") == ["203.0.113.9, 10.1.1.1, 127.0.0.1"])
            #expect(
                request.fields.values("forwarded") == ["for=203.0.113.9, for=127.0.0.1;host=\"a.test\";proto=https"])
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func hundredKeepAliveRequestsOnOneConnection() throws {
            let backend = try RecordingBackend { request in
                .respond(status: 200, body: Array("answer to \(request.target)".utf8))
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port], upstream: ["keepalive 4;"])
            let client = try daemon.connect()
            for index in 0..<100 {
                let response = try client.get("/r/\(index)", ["X-Index: \(index)"])
                #expect(response.status == 200)
                #expect(response.bodyText == "answer to /r/\(index)")
                #expect(!response.fields.contains("connection"))
            }
            let requests = backend.requests
            #expect(requests.count == 100)
            #expect(requests.map(\.target) == (0..<100).map { "/r/\($0)" })
            #expect(requests.allSatisfy { $0.fields.values("x-forwarded-for") == ["127.0.0.1"] })
            #expect(requests.allSatisfy { $0.fields.values("x-forwarded-proto") == ["https"] })
            #expect(requests.allSatisfy { $0.fields.values("x-forwarded-host") == ["a.test"] })
            #expect(backend.acceptedConnections < 100, "kept upstream connections are reused")
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func pipelinedRequestsAreAnsweredInOrder() throws {
            let backend = try RecordingBackend { request in
                if request.target == "/slow" { Thread.sleep(forTimeInterval: 0.2) }
                return .respond(
                    status: 200, body: Array("\(request.method) \(request.target) \(request.body.count)".utf8))
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            var batch = ""
            var expected: [String] = []
            for index in 0..<20 {
                let target = index == 3 ? "/slow" : "/p/\(index)"
                if index % 4 == 1 {
                    batch += "POST \(target) HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello"
                    expected.append("POST \(target) 5")
                } else if index % 4 == 2 {
                    batch +=
                        "POST \(target) HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    expected.append("POST \(target) 3")
                } else {
                    batch += "GET \(target) HTTP/1.1\r\nHost: a.test\r\n\r\n"
                    expected.append("GET \(target) 0")
                }
            }
            batch += "GET /last HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"
            expected.append("GET /last 0")
            try client.send(batch)
            var answers: [String] = []
            for _ in expected { answers.append(try client.readResponse().bodyText) }
            #expect(answers == expected)
            #expect(backend.requests.map { "\($0.method) \($0.target) \($0.body.count)" } == expected)
            #expect(client.waitForClose(), "closed after Connection: close")
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func headsLargerThanAPoolBufferWithALargerMaxRequestHeader() throws {
            let backend = try RecordingBackend { request in
                .respond(status: 200, body: Array("\(request.fields.value("x-big")?.utf8.count ?? 0)".utf8))
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port], frontend: ["max_request_header 64k;"])
            let client = try daemon.connect()
            let big = String(repeating: "b", count: 40_000)
            #expect(try client.get("/", ["X-Big: \(big)"]).bodyText == "40000")
            #expect(try client.get("/", ["X-Big: small"]).bodyText == "5")
            let tooBig = String(repeating: "b", count: 70_000)
            #expect(try client.get("/", ["X-Big: \(tooBig)"]).status == 431)
            client.close()
            #expect(try daemon.stop() == 0)
            #expect(backend.requests.count == 2)
        }

        @Test func requestsSentBeforeAHalfCloseAreAllAnswered() throws {
            let backend = try RecordingBackend { request in .respond(status: 200, body: Array(request.target.utf8)) }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            try client.send((1...3).map { "GET /\($0) HTTP/1.1\r\nHost: a.test\r\n\r\n" }.joined())
            try client.tls.shutdownWrite()
            #expect(try (1...3).map { _ in try client.readResponse().bodyText } == ["/1", "/2", "/3"])
            #expect(client.waitForClose())
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func stoppingClosesIdleKeptAliveConnectionsAtOnce() throws {
            let backend = try RecordingBackend()
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            #expect(try client.get("/").status == 200)
            let started = ContinuousClock.now
            #expect(try daemon.stop() == 0)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(client.waitForClose())
            #expect(client.tls.receivedCloseNotify)
            client.close()
        }

        @Test func http10ClientsGetClosingOrKeptConnectionsAsTheyAsk() throws {
            let backend = try RecordingBackend { request in
                request.target == "/chunked"
                    ? .respond(status: 200, body: Array("de-chunked body".utf8), chunked: true)
                    : .respond(status: 200, body: Array("fixed".utf8))
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])

            let plain = try daemon.connect()
            try plain.send("GET /a HTTP/1.0\r\n\r\n")
            let closing = try plain.readResponse()
            #expect(closing.bodyText == "fixed")
            #expect(closing.fields.value("connection") == "close")
            #expect(plain.waitForClose())
            let forwarded = try #require(backend.requests.last)
            #expect(forwarded.requestLine == "GET /a HTTP/1.1")
            #expect(forwarded.fields.values("host") == ["a.test"], "the TLS server name")

            let kept = try daemon.connect()
            try kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = try kept.readResponse()
            #expect(first.fields.value("connection") == "keep-alive")
            #expect(first.bodyText == "fixed")
            try kept.send("GET /chunked HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let second = try kept.readResponse()
            #expect(!second.fields.contains("transfer-encoding"))
            #expect(second.fields.value("connection") == "close")
            #expect(second.bodyText == "de-chunked body")
            #expect(kept.waitForClose())
            plain.close()
            kept.close()
            #expect(try daemon.stop() == 0)
        }
    }
}
