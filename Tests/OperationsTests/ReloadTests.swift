import Foundation
import Synchronization
import TestSupport
import Testing

extension Operations {
    /// SIGHUP: what keeps working across a reload, what changes, and what a bad config does.
    @Suite("Reload (SIGHUP)", .serialized)
    struct ReloadTests {
        @Test("A 256 MiB upload started before a SIGHUP arrives byte-identical after it")
        func transferSurvivesReload() throws {
            let world = try OpsWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            try world.install(try world.makeLeaf(ocspURL: responder.url))
            try responder.reloadIndex()
            let sink = try SinkServer(reply: Array("done\n".utf8))
            defer { sink.stop() }
            var config = world.config(upstreamPort: sink.port)
            let daemon = try world.startDaemon(config)
            defer { _ = try? daemon.stop() }

            let chunkSize = 1 << 20
            let chunks = 256
            let block = PseudoRandomBytes.generate(count: chunkSize, seed: 7)
            let hasher = SHA256Hasher()
            let client = try TLSTestClient.connect(
                port: try daemon.port(), options: world.clientOptions(timeout: .seconds(60)))
            defer { client.close() }
            let started = ContinuousClock.now
            for index in 0..<chunks {
                var chunk = block
                withUnsafeBytes(of: UInt64(index).littleEndian) { chunk.replaceSubrange(0..<8, with: $0) }
                try client.write(chunk)
                hasher.update(chunk)
                if index == chunks / 4 {
                    // Mid-transfer: a reload that really changes the generation (a second frontend,
                    // on its own address: two `127.0.0.1:0` listens would share one socket).
                    config.frontends.append(
                        .init(name: "extra", listen: "127.0.0.2:0", certificates: [(world.chainPath, world.keyPath)]))
                    try world.write(config)
                    let outcome = try daemon.reload()
                    #expect(outcome.contains(" notice reloaded "), "\(outcome)\n\(daemon.tail)")
                }
            }
            try client.shutdownWrite()
            let reply = try client.readToEOF()
            let elapsed = ContinuousClock.now - started
            let results = try sink.waitForResults(count: 1, timeout: .seconds(30))
            #expect(results.first == SinkResult(byteCount: chunks * chunkSize, sha256: hexString(hasher.finalize())))
            #expect(String(decoding: reply, as: UTF8.self) == "done\n")
            print("256 MiB through stapled across a reload in \(elapsed)")

            // The reload took effect: the new frontend serves, stapled.
            let extra = try world.handshake(host: "127.0.0.2", port: try daemon.port("extra"))
            #expect(extra.stapledOCSPResponse != nil, "\(daemon.tail)")
            #expect(try daemon.stop() == 0)
        }

        @Test(
            "A certificate replaced on disk: after SIGHUP every handshake shows it with its own staple, none mismatched"
        )
        func certificateRotation() throws {
            let world = try OpsWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            let old = try world.makeLeaf(ocspURL: responder.url)
            let new = try world.makeLeaf(ocspURL: responder.url)
            try responder.reloadIndex()
            #expect(old.serial != new.serial)
            try world.install(old)
            let backend = try EchoServer()
            defer { backend.stop() }
            let daemon = try world.startDaemon(world.config(upstreamPort: backend.port))
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()

            // Handshakes hammered from a thread while the files are replaced and SIGHUP is sent.
            let hammer = HandshakeHammer(port: port, options: world.clientOptions())
            hammer.start()
            defer { hammer.stop() }
            try hammer.waitForCount(20)
            try world.install(new)
            let outcome = try daemon.reload()
            #expect(outcome.contains(" notice reloaded "), "\(outcome)\n\(daemon.tail)")
            let switched = ContinuousClock.now
            try hammer.waitForCount(hammer.count + 31)  // One may have started before the switch.
            hammer.stop()

            let records = hammer.records
            #expect(hammer.failures.isEmpty, "\(hammer.failures.prefix(5))\n\(daemon.tail)")
            #expect(records.contains { $0.serial == old.serial })
            let after = records.filter { $0.startedAt >= switched }
            #expect(after.count >= 30)
            #expect(after.allSatisfy { $0.serial == new.serial }, "old certificate served after the reload")
            #expect(records.allSatisfy { $0.staple != nil }, "a handshake without a staple")
            // Each distinct staple names the serial of the certificate it was served with.
            var checked: [String: [String]] = [:]
            for record in records {
                guard let staple = record.staple else { continue }
                let key = sha256Hex(staple)
                if checked[key] == nil { checked[key] = try world.stapleSerials(staple) }
                #expect(
                    checked[key] == [record.serial], "staple for \(checked[key] ?? []) served with \(record.serial)")
            }
            #expect(Set(records.map(\.serial)) == [old.serial, new.serial])
        }

        @Test("A broken config on SIGHUP: the error names file:line:column and the old config keeps serving")
        func brokenConfigKeepsServing() throws {
            let world = try OpsWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            let leaf = try world.makeLeaf(ocspURL: responder.url)
            try responder.reloadIndex()
            try world.install(leaf)
            let backend = try EchoServer()
            defer { backend.stop() }
            let notify = try NotifyReceiver()
            let config = world.config(upstreamPort: backend.port)
            let daemon = try world.startDaemon(config, environment: notify.environment)
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()
            let (readyIndex, _) = try notify.waitFor("READY=1") { $0.has("READY=1") }

            // 1. A syntax error: a misspelled directive on line 3 (after workers and log_level).
            var lines = config.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[2] = "shutdown_timout 5s;"
            try world.write(lines.joined(separator: "\n"))
            let syntax = try daemon.reload()
            #expect(syntax.contains(" error reload failed; still serving the previous configuration"), "\(syntax)")
            #expect(syntax.contains("\(world.configPath):3:1: unknown directive \"shutdown_timout\""), "\(syntax)")
            try expectServing(world, port: port, serial: leaf.serial, daemon: daemon)
            let failedReady = try notify.waitFor("READY=1 after the failed reload", from: readyIndex + 1) {
                $0.has("READY=1")
            }
            #expect(failedReady.message.value("STATUS")?.hasPrefix("reload failed: ") == true, "\(failedReady.message)")

            // 2. Valid syntax, but a certificate file that does not exist: located at its directive.
            let missing = world.workspace.file("missing.pem")
            let broken = config.text.replacingOccurrences(of: world.chainPath, with: missing)
            try world.write(broken)
            let load = try daemon.reload()
            let certificateLine = broken.split(separator: "\n").firstIndex { $0.contains("certificate ") }.map {
                $0 + 1
            }
            #expect(load.contains("reload failed"), "\(load)")
            #expect(load.contains("\(world.configPath):\(certificateLine ?? 0):5: certificate: "), "\(load)")
            #expect(load.contains(missing), "\(load)")
            try expectServing(world, port: port, serial: leaf.serial, daemon: daemon)

            // 3. Fixed: the next SIGHUP succeeds.
            try world.write(config)
            let fixed = try daemon.reload()
            #expect(fixed.contains(" notice reloaded "), "\(fixed)")
            try expectServing(world, port: port, serial: leaf.serial, daemon: daemon)
            #expect(try daemon.stop() == 0)
        }

        /// A stapled handshake with `serial`'s certificate, and a round trip through the relay.
        private func expectServing(_ world: OpsWorld, port: UInt16, serial: String, daemon: OpsDaemon) throws {
            let client = try TLSTestClient.connect(port: port, options: world.clientOptions())
            defer { client.close() }
            #expect(client.handshake.peerCertificate?.serial == serial)
            #expect(client.handshake.stapledOCSPResponse != nil, "\(daemon.tail)")
            try client.write("ping\n")
            #expect(String(decoding: try client.read(exactly: 5), as: UTF8.self) == "ping\n")
        }
    }
}

/// Runs TLS handshakes back to back on its own thread and records each: when it started, the
/// certificate serial and the staple (or the failure).
final class HandshakeHammer: Sendable {
    struct Record: Sendable {
        var startedAt: ContinuousClock.Instant
        var serial: String
        var staple: [UInt8]?
    }

    private struct State {
        var records: [Record] = []
        var failures: [String] = []
        var stopping = false
        var finished = false
    }

    let port: UInt16
    let options: TLSClientOptions
    private let state = Mutex(State())

    init(port: UInt16, options: TLSClientOptions) {
        self.port = port
        self.options = options
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "handshake-hammer"
        thread.start()
    }

    var records: [Record] { state.withLock { $0.records } }
    var failures: [String] { state.withLock { $0.failures } }
    var count: Int { state.withLock { $0.records.count + $0.failures.count } }

    /// Waits until `target` handshakes were attempted.
    func waitForCount(_ target: Int, timeout: Duration = .seconds(60)) throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while count < target {
            if ContinuousClock.now >= deadline {
                throw TestSupportError(.timedOut, "HandshakeHammer.waitForCount(\(target))", "have \(count)")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Stops after the handshake in progress (bounded wait).
    func stop() {
        state.withLock { $0.stopping = true }
        let deadline = ContinuousClock.now.advanced(by: .seconds(15))
        while !state.withLock({ $0.finished }) && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
    }

    private func run() {
        defer { state.withLock { $0.finished = true } }
        while !state.withLock({ $0.stopping }) {
            let startedAt = ContinuousClock.now
            do {
                let client = try TLSTestClient.connect(port: port, options: options)
                let handshake = client.handshake
                client.close()
                let record = Record(
                    startedAt: startedAt, serial: handshake.peerCertificate?.serial ?? "?",
                    staple: handshake.stapledOCSPResponse)
                state.withLock { $0.records.append(record) }
            } catch {
                state.withLock { $0.failures.append("\(error)") }
            }
        }
    }
}
