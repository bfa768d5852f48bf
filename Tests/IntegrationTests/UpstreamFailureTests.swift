import TestSupport
import Testing

extension StapledBinaryTests {
    /// Upstream servers that refuse connections: the client is told promptly (its connection is
    /// closed), the log names the server and the reason, and a later server in the list is used.
    @Suite struct UpstreamFailureTests {
        static func clientOptions(_ pki: IntegrationPKI) -> TLSClientOptions {
            TLSClientOptions(serverName: "a.test", caFile: pki.rootPath, timeout: .seconds(15))
        }

        @Test func refusedOnlyServerClosesTheClientPromptlyAndIsLogged() throws {
            let pki = try IntegrationPKI.shared()
            let closedPort = try freeLoopbackPort()
            var config = StapledConfigFile(upstreamPorts: [closedPort], leaves: [pki.ecdsa])
            // A prompt close must come from the refusal, not from this timeout.
            config.frontendDirectives = ["connect_timeout 30s;"]
            let daemon = try StapledProcess(config)

            let mark = daemon.logMark()
            let started = ContinuousClock.now
            let client = try TLSTestClient.connect(port: daemon.port, options: Self.clientOptions(pki))
            let end = try client.readUntilClosed()
            let elapsed = ContinuousClock.now - started
            #expect(end != .closeNotify, "nothing was relayed: the close is an abort, not a TLS close")
            #expect(elapsed < .seconds(5), "closed after \(elapsed)")

            let failure = try daemon.waitForLog(containing: "warning upstream connect failed", after: mark)
            #expect(failure.contains("server=127.0.0.1:\(closedPort)"))
            #expect(failure.contains("reason=\"Connection refused\""))
            #expect(failure.contains("upstream=app"))
            let gaveUp = try daemon.waitForLog(containing: "error no upstream server reachable", after: mark)
            #expect(gaveUp.contains("closing client connection"))
            #expect(try daemon.stop() == 0)
        }

        @Test func refusedFirstServerFallsThroughToTheSecond() throws {
            let pki = try IntegrationPKI.shared()
            let closedPort = try freeLoopbackPort()
            let echo = try EchoServer()
            defer { echo.stop() }
            let daemon = try StapledProcess(
                StapledConfigFile(upstreamPorts: [closedPort, echo.port], leaves: [pki.ecdsa]))

            let mark = daemon.logMark()
            let client = try TLSTestClient.connect(port: daemon.port, options: Self.clientOptions(pki))
            let message = PseudoRandomBytes.generate(count: 50_000, seed: 4)
            try client.write(message)
            #expect(sha256Hex(try client.read(exactly: message.count)) == sha256Hex(message))
            try client.shutdownWrite()
            #expect(try client.readToEOF(limit: 4_096).isEmpty)
            #expect(client.receivedCloseNotify)
            client.close()

            #expect(echo.server.acceptedCount == 1)
            let failure = try daemon.waitForLog(containing: "warning upstream connect failed", after: mark)
            #expect(failure.contains("server=127.0.0.1:\(closedPort)"))
            #expect(failure.contains("reason=\"Connection refused\""))
            #expect(!daemon.log.contains("no upstream server reachable"))
            #expect(try daemon.stop() == 0)
        }
    }
}
