import Foundation
import TestSupport
import Testing

extension StapledBinaryTests {
    /// Connections leave nothing behind in the daemon.
    @Suite struct ResourceTests {
        static let connectionCount = 2_000

        @Test func twoThousandSequentialConnectionsLeaveNoDescriptorOpen() throws {
            let pki = try IntegrationPKI.shared()
            let echo = try EchoServer()
            defer { echo.stop() }
            let daemon = try StapledProcess(
                StapledConfigFile(upstreamPorts: [echo.port], leaves: [pki.ecdsa]), logLevel: "info")
            let options = TLSClientOptions(serverName: "a.test", timeout: .seconds(15))

            func roundTrip(_ index: Int) throws {
                let client = try TLSTestClient.connect(port: daemon.port, options: options)
                defer { client.close() }
                guard !client.handshake.sessionReused else {
                    throw TestSupportError(.protocolViolation, "connection \(index)", "resumed, not a full handshake")
                }
                let message = Array("ping \(index)\n".utf8)
                try client.write(message)
                let echoed = try client.read(exactly: message.count)
                try client.shutdownWrite()
                let rest = try client.readToEOF()
                if echoed != message || !rest.isEmpty || !client.receivedCloseNotify {
                    let detail = "echoed \(echoed.count) bytes, then \(rest.count) more"
                    throw TestSupportError(
                        .protocolViolation, "connection \(index)",
                        "\(detail); close_notify: \(client.receivedCloseNotify)")
                }
            }

            // Anything opened once (lazily, on the first connection) belongs to the baseline.
            for index in 0..<3 { try roundTrip(index) }
            let before = try Self.settled { try daemon.openFileDescriptors() }

            for index in 0..<Self.connectionCount { try roundTrip(index) }

            let after = try readRepeatedly(until: before, timeout: .seconds(10)) { try daemon.openFileDescriptors() }
            let leftOpen = after - before
            #expect(
                leftOpen == 0,
                "left open after \(Self.connectionCount) connections: \(daemon.openFileDescriptorTargets())")
            #expect(echo.server.acceptedCount == Self.connectionCount + 3)
            #expect(!daemon.log.contains(" error "))
            #expect(try daemon.stop() == 0)
        }

        /// Clients that vanish at every stage (before the handshake, right after it, during a
        /// download, during an upload) by TCP reset: the daemon's error paths free everything.
        @Test func abruptlyEndedConnectionsLeaveNoDescriptorOpen() throws {
            let pki = try IntegrationPKI.shared()
            let source = try SourceServer(byteCount: 4 << 20, seed: 5)
            defer { source.stop() }
            let daemon = try StapledProcess(
                StapledConfigFile(upstreamPorts: [source.port], leaves: [pki.ecdsa]), logLevel: "info")
            let options = TLSClientOptions(serverName: "a.test", timeout: .seconds(15))
            let before = try Self.settled { try daemon.openFileDescriptors() }

            for round in 0..<25 {
                // Before the handshake.
                try TCPStream.connect(port: daemon.port).reset()
                // Right after the handshake (the daemon is connecting upstream or relaying).
                let idle = try TLSTestClient.connect(port: daemon.port, options: options)
                Self.reset(idle)
                // During a download: the daemon is writing to a client that is gone.
                let downloading = try TLSTestClient.connect(port: daemon.port, options: options)
                _ = try downloading.read(exactly: 64 * 1024)
                Self.reset(downloading)
                // During an upload.
                let uploading = try TLSTestClient.connect(port: daemon.port, options: options)
                try uploading.write(PseudoRandomBytes.generate(count: 256 * 1024, seed: UInt64(round)))
                Self.reset(uploading)
            }

            let after = try readRepeatedly(until: before, timeout: .seconds(10)) { try daemon.openFileDescriptors() }
            #expect(after == before, "\(after - before) descriptors left open: \(daemon.openFileDescriptorTargets())")
            #expect(try daemon.stop() == 0)
        }

        /// Closes `client`'s socket with a TCP reset (SO_LINGER 0), without close_notify.
        static func reset(_ client: TLSTestClient) {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(
                client.fileDescriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            client.close()
        }

        /// `value` once two reads 50 ms apart agree (closes still in flight have landed).
        static func settled(_ value: () throws -> Int) throws -> Int {
            var previous = try value()
            for _ in 0..<100 {
                Thread.sleep(forTimeInterval: 0.05)
                let current = try value()
                if current == previous { return current }
                previous = current
            }
            return previous
        }
    }
}
