import TestSupport
import Testing

extension UpstreamBinaryTests {
    /// New connections are spread over the servers of an upstream by weight.
    @Suite struct RoundRobinTests {
        @Test func twoBackendsTakeTurns() throws {
            let pki = try PoolPKI.shared()
            let a = try NamedBackend("a")
            let b = try NamedBackend("b")
            defer { [a, b].forEach { $0.stop() } }
            // One worker: its pool alone decides, so the order is exact.
            let daemon = try PoolDaemon(
                upstream: ["server 127.0.0.1:\(a.port);", "server 127.0.0.1:\(b.port);"], pki: pki)

            let names = try (0..<8).map { _ in try pki.greeting(through: daemon.port) }
            #expect(names == ["a", "b", "a", "b", "a", "b", "a", "b"])
            #expect(a.server.acceptedCount == 4 && b.server.acceptedCount == 4)
            #expect(try daemon.stop() == 0)
        }

        @Test func weightsSetTheShares() throws {
            let pki = try PoolPKI.shared()
            let a = try NamedBackend("a")
            let b = try NamedBackend("b")
            defer { [a, b].forEach { $0.stop() } }
            let daemon = try PoolDaemon(
                upstream: ["server 127.0.0.1:\(a.port) weight=3;", "server 127.0.0.1:\(b.port);"], pki: pki)

            let names = try (0..<8).map { _ in try pki.greeting(through: daemon.port) }
            #expect(names.count { $0 == "a" } == 6)
            #expect(names.count { $0 == "b" } == 2)
            #expect(try daemon.stop() == 0)
        }

        @Test func leastConnectionsAvoidsTheBusyServer() throws {
            let pki = try PoolPKI.shared()
            let a = try NamedBackend("a")
            let b = try NamedBackend("b")
            defer { [a, b].forEach { $0.stop() } }
            let daemon = try PoolDaemon(
                workers: 2,
                upstream: ["server 127.0.0.1:\(a.port);", "server 127.0.0.1:\(b.port);", "balance least_conn;"],
                pki: pki)

            // Hold one connection open: whichever server has it, every later connection (from
            // either worker: the counts are shared) goes to the other one.
            let held = try TLSTestClient.connect(port: daemon.port, options: pki.clientOptions())
            defer { held.close() }
            let busy = String(decoding: try held.read().prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
            let names = try (0..<6).map { _ in try pki.greeting(through: daemon.port) }
            #expect(!names.contains(busy), "\(names) while \(busy) holds a connection")
            held.close()
            #expect(try daemon.stop() == 0)
        }
    }
}
