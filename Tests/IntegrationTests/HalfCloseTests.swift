import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension StapledBinaryTests {
    /// Half-close through the relay, both ways: the client's end of sending becomes a FIN to the
    /// backend while the backend's answer still flows, and the backend's FIN becomes a close_notify
    /// to the client while the client's upload still flows.
    @Suite struct HalfCloseTests {
        /// How the client says it has nothing more to send.
        enum ClientEnd: String, Sendable, CaseIterable {
            /// TLS close_notify; the TCP connection stays open both ways.
            case closeNotify
            /// A bare TCP FIN, no close_notify (the daemon treats an unexpected EOF as the end).
            case finOnly
        }

        @Test(arguments: TLSVersion.allCases, ClientEnd.allCases)
        func replySentAfterTheClientEndedArrivesInFull(version: TLSVersion, clientEnd: ClientEnd) throws {
            let pki = try IntegrationPKI.shared()
            let reply = PseudoRandomBytes.generate(count: 1 << 20, seed: 77)
            let sink = try SinkServer(reply: reply)
            defer { sink.stop() }
            let daemon = try StapledProcess(StapledConfigFile(upstreamPorts: [sink.port], leaves: [pki.ecdsa]))
            let baseline = daemon.openSockets()

            let client = try TLSTestClient.connect(port: daemon.port, options: Self.options(version, pki))
            #expect(client.handshake.version == version.rawValue)
            let request = PseudoRandomBytes.generate(count: 100_000, seed: 78)
            try client.write(request)
            switch clientEnd {
            case .closeNotify: try client.shutdownWrite()
            case .finOnly: shutdown(client.fileDescriptor, Int32(SHUT_WR))
            }

            let answer = try client.readToEOF()
            // Digests, not arrays: Swift Testing would diff two unequal megabyte arrays for hours.
            #expect(answer.count == reply.count)
            #expect(sha256Hex(answer) == sha256Hex(reply))
            #expect(client.receivedCloseNotify)
            let results = try sink.waitForResults(count: 1, timeout: .seconds(15))
            #expect(results == [SinkResult(byteCount: request.count, sha256: sha256Hex(request))])

            // Then both sides close: the daemon's FIN follows its close_notify, and it releases
            // both of its sockets without waiting for the client to close.
            #expect(waitForTCPEndOfStream(fd: client.fileDescriptor, timeout: .seconds(10)))
            let open = readRepeatedly(until: baseline, timeout: .seconds(10)) { daemon.openSockets() }
            #expect(open == baseline, "\(open - baseline) sockets still open: \(daemon.openFileDescriptorTargets())")
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test(arguments: TLSVersion.allCases)
        func uploadAfterTheBackendEndedItsSideStillArrives(version: TLSVersion) throws {
            let pki = try IntegrationPKI.shared()
            let backend = try GreetThenSinkServer(greeting: Array("hello, then I only listen\n".utf8))
            defer { backend.server.stop() }
            let daemon = try StapledProcess(StapledConfigFile(upstreamPorts: [backend.port], leaves: [pki.ecdsa]))
            let baseline = daemon.openSockets()

            let client = try TLSTestClient.connect(port: daemon.port, options: Self.options(version, pki))
            #expect(try client.readToEOF(limit: 4_096) == backend.greeting)
            #expect(client.receivedCloseNotify, "the backend's FIN must reach the client as close_notify")

            let upload = PseudoRandomBytes.generate(count: 1 << 20, seed: 79)
            try client.write(upload)
            try client.shutdownWrite()
            let received = try backend.waitForUpload(timeout: .seconds(15))
            #expect(received.byteCount == upload.count)
            #expect(received.sha256 == sha256Hex(upload))

            // Then the daemon closes the connection, without waiting for the client to close.
            let open = readRepeatedly(until: baseline, timeout: .seconds(10)) { daemon.openSockets() }
            #expect(open == baseline, "\(open - baseline) sockets still open: \(daemon.openFileDescriptorTargets())")
            client.close()
            #expect(try daemon.stop() == 0)
        }

        static func options(_ version: TLSVersion, _ pki: IntegrationPKI) -> TLSClientOptions {
            TLSClientOptions(
                serverName: "a.test", minVersion: version, maxVersion: version, caFile: pki.rootPath,
                timeout: .seconds(15))
        }
    }
}
