import TestSupport
import Testing

extension StapledBinaryTests {
    /// Bulk data through the relay arrives complete and unchanged, each way.
    @Suite struct RelayTransferTests {
        static let transferSize = 256 << 20
        static let blockSize = 1 << 20

        static func clientOptions(_ pki: IntegrationPKI) -> TLSClientOptions {
            TLSClientOptions(
                serverName: "a.test", caFile: pki.rootPath, verifyHostname: "a.test", timeout: .seconds(30))
        }

        @Test func uploadOf256MiBReachesTheBackendByteIdentical() throws {
            let pki = try IntegrationPKI.shared()
            let sink = try SinkServer(reply: Array("received\n".utf8))
            defer { sink.stop() }
            let daemon = try StapledProcess(StapledConfigFile(upstreamPorts: [sink.port], leaves: [pki.ecdsa]))

            let client = try TLSTestClient.connect(port: daemon.port, options: Self.clientOptions(pki))
            let sent = SHA256Hasher()
            for index in 0..<(Self.transferSize / Self.blockSize) {
                let block = PseudoRandomBytes.generate(count: Self.blockSize, seed: UInt64(index))
                try client.write(block)
                sent.update(block)
            }
            try client.shutdownWrite()
            #expect(try client.readToEOF(limit: 4_096) == Array("received\n".utf8))
            #expect(client.receivedCloseNotify)
            client.close()

            let results = try sink.waitForResults(count: 1, timeout: .seconds(60))
            #expect(results == [SinkResult(byteCount: Self.transferSize, sha256: hexString(sent.finalize()))])
            #expect(try daemon.stop() == 0)
        }

        @Test func downloadOf256MiBReachesTheClientByteIdentical() throws {
            let pki = try IntegrationPKI.shared()
            let source = try SourceServer(byteCount: Self.transferSize, seed: 256)
            defer { source.stop() }
            let daemon = try StapledProcess(StapledConfigFile(upstreamPorts: [source.port], leaves: [pki.ecdsa]))

            let client = try TLSTestClient.connect(port: daemon.port, options: Self.clientOptions(pki))
            let received = SHA256Hasher()
            var count = 0
            while true {
                let chunk = try client.read()
                if chunk.isEmpty { break }
                received.update(chunk)
                count += chunk.count
            }
            #expect(client.receivedCloseNotify)
            #expect(count == Self.transferSize)
            #expect(hexString(received.finalize()) == source.sha256)
            // The source waits for the client's end before closing; let the relay finish cleanly.
            try client.shutdownWrite()
            client.close()
            #expect(try daemon.stop() == 0)
        }
    }
}
