import TestSupport
import Testing

extension StapledBinaryTests {
    /// Clients that never complete a handshake are closed (silent ones after `handshake_timeout`,
    /// ones that send garbage at once) without disturbing other connections on the same worker.
    @Suite struct TimeoutTests {
        /// One worker, so the misbehaving clients share the event loop with everything else.
        static func daemon(upstream: UInt16, pki: IntegrationPKI) throws -> StapledProcess {
            var config = StapledConfigFile(upstreamPorts: [upstream], leaves: [pki.ecdsa])
            config.workers = 1
            config.frontendDirectives = ["handshake_timeout 1s;"]
            return try StapledProcess(config)
        }

        /// Bytes that are not a TLS record (a ClientHello starts with 0x16).
        static let garbage: [UInt8] = {
            var bytes = PseudoRandomBytes.generate(count: 4_096, seed: 99)
            if bytes[0] == 0x16 { bytes[0] = 0x17 }
            return bytes
        }()

        @Test func silentClientIsClosedAfterTheHandshakeTimeout() throws {
            let pki = try IntegrationPKI.shared()
            let echo = try EchoServer()
            defer { echo.stop() }
            let daemon = try Self.daemon(upstream: echo.port, pki: pki)

            let mark = daemon.logMark()
            let started = ContinuousClock.now
            let silent = try TCPStream.connect(port: daemon.port, timeout: .seconds(15))
            let end = try silent.readUntilClosed()
            let elapsed = ContinuousClock.now - started
            #expect(end == .eof)
            #expect(elapsed > .milliseconds(500), "closed after \(elapsed), before the 1 s handshake timeout")
            #expect(elapsed < .seconds(10), "closed after \(elapsed)")
            try daemon.waitForLog(containing: "debug handshake timeout", after: mark)
            #expect(echo.server.acceptedCount == 0)
            #expect(try daemon.stop() == 0)
        }

        @Test func randomBytesInsteadOfAClientHelloAreRejected() throws {
            let pki = try IntegrationPKI.shared()
            let echo = try EchoServer()
            defer { echo.stop() }
            let daemon = try Self.daemon(upstream: echo.port, pki: pki)

            let mark = daemon.logMark()
            let started = ContinuousClock.now
            let noisy = try TCPStream.connect(port: daemon.port, timeout: .seconds(15))
            try noisy.write(Self.garbage)
            let end = try noisy.readUntilClosed()
            let elapsed = ContinuousClock.now - started
            #expect(end != .closeNotify)
            #expect(elapsed < .seconds(10), "closed after \(elapsed)")
            let failure = try daemon.waitForLog(containing: "debug handshake failed", after: mark)
            #expect(failure.contains("reason="))
            #expect(echo.server.acceptedCount == 0)
            #expect(try daemon.stop() == 0)
        }

        @Test func neitherDisturbsATransferRunningBesideThem() throws {
            let pki = try IntegrationPKI.shared()
            let echo = try EchoServer()
            defer { echo.stop() }
            let daemon = try Self.daemon(upstream: echo.port, pki: pki)

            let transfer = EchoStreamTransfer(
                port: daemon.port,
                options: TLSClientOptions(serverName: "a.test", caFile: pki.rootPath, timeout: .seconds(30)))
            try transfer.waitForEchoed(atLeast: 4 << 20, timeout: .seconds(30))

            let silent = try TCPStream.connect(port: daemon.port, timeout: .seconds(15))
            let noisy = try TCPStream.connect(port: daemon.port, timeout: .seconds(15))
            try noisy.write(Self.garbage)
            let noisyEnd = try noisy.readUntilClosed()
            let silentEnd = try silent.readUntilClosed()
            #expect(noisyEnd != .closeNotify)
            #expect(silentEnd == .eof)
            let echoedWhenBothWereClosed = transfer.echoedBytes
            // The transfer keeps going after the timeout fired on the same loop.
            try transfer.waitForEchoed(atLeast: echoedWhenBothWereClosed + (4 << 20), timeout: .seconds(30))

            let outcome = try transfer.finish()
            #expect(outcome.receivedBytes == outcome.sentBytes)
            #expect(outcome.receivedSHA256 == outcome.sentSHA256)
            #expect(outcome.end == "close_notify")
            #expect(echo.server.acceptedCount == 1)
            try daemon.waitForLog(containing: "debug handshake timeout")
            try daemon.waitForLog(containing: "debug handshake failed")
            #expect(try daemon.stop() == 0)
        }
    }
}
