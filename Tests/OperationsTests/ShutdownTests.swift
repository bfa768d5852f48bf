import Foundation
import TestSupport
import Testing

extension Operations {
    /// SIGTERM: stop accepting, let open connections finish for at most `shutdown_timeout`,
    /// then close them; exit status 0 either way.
    @Suite("Graceful stop (SIGTERM)", .serialized)
    struct ShutdownTests {
        @Test("A slow transfer open at SIGTERM completes, then the daemon exits 0 within shutdown_timeout")
        func openTransferCompletes() throws {
            let world = try OpsWorld()
            try world.install(try world.makeLeaf(ocspURL: nil))
            let backend = try EchoServer()
            defer { backend.stop() }
            var config = world.config(upstreamPort: backend.port)
            config.shutdownTimeout = "10s"
            let daemon = try world.startDaemon(config)
            defer { _ = try? daemon.stop() }

            let client = try TLSTestClient.connect(port: try daemon.port(), options: world.clientOptions())
            defer { client.close() }
            try client.write("before\n")
            #expect(try client.read(exactly: 7) == Array("before\n".utf8))

            let offset = daemon.mark
            let signalled = ContinuousClock.now
            daemon.process.signal(SIGTERM)
            let stopping = try daemon.waitForLog(containing: " notice stopping", after: offset, timeout: .seconds(10))
            #expect(stopping.contains("open_connections=1"), "\(stopping)")
            // The transfer goes on at its own pace (a slow client) while the daemon drains.
            for index in 0..<5 {
                let line = Array("chunk \(index)\n".utf8)
                try client.write(line)
                #expect(try client.read(exactly: line.count) == line)
                #expect(daemon.process.isRunning, "the daemon exited with a connection still open")
                Thread.sleep(forTimeInterval: 0.2)
            }
            try client.shutdownWrite()
            #expect(try client.readToEOF().isEmpty)
            let status = try daemon.process.waitForExit(timeout: .seconds(15))
            let elapsed = ContinuousClock.now - signalled
            #expect(status == 0, "\(daemon.tail)")
            #expect(elapsed >= .seconds(1) && elapsed < .seconds(10), "exited \(elapsed) after SIGTERM")
            #expect(daemon.lines(containing: "shutdown timeout reached").isEmpty, "\(daemon.tail)")
            #expect(!daemon.lines(containing: " notice stopped").isEmpty, "\(daemon.tail)")
        }

        @Test("A transfer that does not finish is cut at shutdown_timeout, and the exit status is still 0")
        func unfinishedTransferIsCut() throws {
            let world = try OpsWorld()
            try world.install(try world.makeLeaf(ocspURL: nil))
            let sink = try SinkServer()
            defer { sink.stop() }
            var config = world.config(upstreamPort: sink.port)
            config.shutdownTimeout = "1s"
            let daemon = try world.startDaemon(config)
            defer { _ = try? daemon.stop() }

            // An upload that is still going (the client never sends its end).
            let client = try TLSTestClient.connect(port: try daemon.port(), options: world.clientOptions())
            defer { client.close() }
            try client.write(PseudoRandomBytes.generate(count: 1 << 20, seed: 3))
            try sink.server.waitForAccepted(1)

            let offset = daemon.mark
            let signalled = ContinuousClock.now
            daemon.process.signal(SIGTERM)
            try daemon.waitForLog(containing: " notice stopping", after: offset, timeout: .seconds(10))
            let status = try daemon.process.waitForExit(timeout: .seconds(15))
            let elapsed = ContinuousClock.now - signalled
            #expect(status == 0, "\(daemon.tail)")
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(4), "exited \(elapsed) after SIGTERM")
            #expect(!daemon.lines(containing: "shutdown timeout reached").isEmpty, "\(daemon.tail)")
            // The client's connection was closed by the daemon.
            #expect(try client.readToEOF().isEmpty)
        }
    }
}
