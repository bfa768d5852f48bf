import TestSupport
import Testing

extension UpstreamBinaryTests {
    /// Active health checks: a backend that dies is taken out before clients notice and comes
    /// back once it answers again; an HTTP check wants a 2xx or 3xx. Transitions are logged.
    @Suite struct HealthCheckTests {
        @Test func aKilledBackendIsTakenOutAndComesBackAfterARestart() throws {
            let pki = try PoolPKI.shared()
            let a = try NamedBackend("a")
            var b = try NamedBackend("b")
            defer { [a, b].forEach { $0.stop() } }
            let bPort = b.port
            let daemon = try PoolDaemon(
                workers: 2,
                upstream: [
                    "server 127.0.0.1:\(a.port);", "server 127.0.0.1:\(bPort);",
                    "health_check tcp interval=200ms rise=2 fall=2 timeout=200ms;",
                ], pki: pki)
            let server = "server=127.0.0.1:\(bPort)"
            let before = try (0..<4).map { _ in try pki.greeting(through: daemon.port) }
            #expect(Set(before) == ["a", "b"])

            let mark = daemon.logMark()
            b.stop()
            let down = try daemon.waitForLog(containing: ["warning upstream server down", server], after: mark)
            #expect(down.contains("by=health_check") && down.contains("upstream=app"))
            #expect(down.contains("reason=\"connect: Connection refused\""), "\(down)")

            let during = try (0..<10).map { _ in try pki.greeting(through: daemon.port) }
            #expect(during == Array(repeating: "a", count: 10), "no client saw an error or the dead backend")
            #expect(
                daemon.logLines(containing: ["upstream connect failed"], after: mark).isEmpty,
                "nothing was sent to the backend while it was down")

            let restart = daemon.logMark()
            b = try NamedBackend("b", port: bPort)
            let up = try daemon.waitForLog(containing: ["notice upstream server up", server], after: restart)
            #expect(up.contains("by=health_check"))
            let after = try (0..<4).map { _ in try pki.greeting(through: daemon.port) }
            #expect(after.contains("b"), "\(after)")
            #expect(daemon.logLines(containing: ["upstream server down"], after: restart).isEmpty)
            #expect(try daemon.stop() == 0)
        }

        @Test func aServerDownStaysDownAcrossAReload() throws {
            let pki = try PoolPKI.shared()
            let a = try NamedBackend("a")
            defer { a.stop() }
            let closedPort = try freeLoopbackPort()
            let server = "server=127.0.0.1:\(closedPort)"
            let daemon = try PoolDaemon(
                upstream: [
                    "server 127.0.0.1:\(a.port);", "server 127.0.0.1:\(closedPort);",
                    "health_check tcp interval=200ms rise=1 fall=1 timeout=200ms;",
                ], pki: pki)
            try daemon.waitForLog(containing: ["warning upstream server down", server, "by=health_check"])

            let mark = daemon.logMark()
            try daemon.reload()
            // The new generation's checker starts from the old state: no client is sent to the
            // closed port while its first check runs, and no new "down" transition is logged.
            let names = try (0..<6).map { _ in try pki.greeting(through: daemon.port) }
            #expect(names == Array(repeating: "a", count: 6))
            #expect(daemon.logLines(containing: ["upstream connect failed"], after: mark).isEmpty, "\(daemon.log)")
            #expect(daemon.logLines(containing: ["upstream server down"], after: mark).isEmpty)
            #expect(try daemon.stop() == 0)
        }

        @Test func anHTTPCheckWantsASuccessStatus() throws {
            let pki = try PoolPKI.shared()
            let healthy = try HTTPTestServer(body: "healthy\n")
            let failing = try HTTPTestServer(status: "503 Service Unavailable", body: "failing\n")
            defer { [healthy, failing].forEach { $0.stop() } }
            let daemon = try PoolDaemon(
                workers: 2,
                upstream: [
                    "server 127.0.0.1:\(healthy.port);", "server 127.0.0.1:\(failing.port);",
                    "health_check http path=/health?deep=1 interval=200ms rise=1 fall=1 timeout=200ms;",
                ], pki: pki)

            let down = try daemon.waitForLog(
                containing: ["warning upstream server down", "server=127.0.0.1:\(failing.port)"])
            #expect(down.contains("reason=\"HTTP 503\""), "\(down)")
            let check = try #require(failing.requests.first)
            #expect(check.requestLine == "GET /health?deep=1 HTTP/1.1")
            #expect(check.header("host") == "127.0.0.1:\(failing.port)")
            #expect(check.header("connection") == "close")

            for _ in 0..<6 {
                let client = try TLSTestClient.connect(port: daemon.port, options: pki.clientOptions())
                defer { client.close() }
                try client.write("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")
                let response = String(decoding: try client.readToEOF(), as: UTF8.self)
                #expect(response.hasPrefix("HTTP/1.1 200 OK") && response.hasSuffix("healthy\n"), "\(response)")
            }
            #expect(daemon.logLines(containing: ["upstream server down", "server=127.0.0.1:\(healthy.port)"]).isEmpty)
            #expect(try daemon.stop() == 0)
        }
    }
}
