import TestSupport
import Testing

extension UpstreamBinaryTests {
    /// A refused connect moves on to the next server; passive failure detection keeps the
    /// refused server out of the rotation for `fail_timeout`; backups stand in for primaries.
    @Suite struct FailoverTests {
        @Test func aRefusedFirstServerSendsTrafficToTheNextAndIsTakenOut() throws {
            let pki = try PoolPKI.shared()
            let closedPort = try freeLoopbackPort()
            let a = try NamedBackend("a")
            defer { a.stop() }
            let daemon = try PoolDaemon(
                upstream: ["server 127.0.0.1:\(closedPort) fail_timeout=60s;", "server 127.0.0.1:\(a.port);"], pki: pki)

            let names = try (0..<5).map { _ in try pki.greeting(through: daemon.port) }
            #expect(names == ["a", "a", "a", "a", "a"], "no client saw an error")
            let server = "server=127.0.0.1:\(closedPort)"
            #expect(
                daemon.logLines(containing: ["warning upstream connect failed", server]).count == 1,
                "one refusal took it out: later connections did not try it\n\(daemon.log)")
            let down = try daemon.waitForLog(containing: ["warning upstream server down", server])
            #expect(down.contains("by=failed_connects") && down.contains("upstream=app"))
            #expect(!daemon.log.contains("no upstream server reachable"))
            #expect(try daemon.stop() == 0)
        }

        @Test func aBackupServesOnlyOnceThePrimaryFails() throws {
            let pki = try PoolPKI.shared()
            let primary = try NamedBackend("primary")
            let backup = try NamedBackend("backup")
            defer { [primary, backup].forEach { $0.stop() } }
            let daemon = try PoolDaemon(
                upstream: [
                    "server 127.0.0.1:\(primary.port) fail_timeout=60s;", "server 127.0.0.1:\(backup.port) backup;",
                ], pki: pki)

            #expect(
                try (0..<3).map { _ in try pki.greeting(through: daemon.port) } == ["primary", "primary", "primary"])
            let primaryPort = primary.port
            primary.stop()
            // The first connection is refused by the primary and retried on the backup; later ones
            // go straight to the backup while the primary is out.
            #expect(try (0..<3).map { _ in try pki.greeting(through: daemon.port) } == ["backup", "backup", "backup"])
            #expect(
                daemon.logLines(containing: ["upstream connect failed", "server=127.0.0.1:\(primaryPort)"]).count == 1)
            #expect(try daemon.stop() == 0)
        }
    }
}
