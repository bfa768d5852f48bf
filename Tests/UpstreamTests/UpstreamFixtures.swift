import EventLoop
import Proxy
import Testing

/// Runtimes and pools for the unit suites: servers on 127.0.0.1 ports that nothing connects to
/// (choosing a server never touches the network).
enum UpstreamFixtures {
    static func server(
        port: UInt16, weight: Int = 1, maxFails: Int = 1, failTimeout: Double = 10, backup: Bool = false
    ) -> UpstreamRuntime.Server {
        let address = SocketAddress(ipLiteral: "127.0.0.1", port: port) ?? SocketAddress(storage: .init(), length: 0)
        return UpstreamRuntime.Server(
            address: address, name: "127.0.0.1:\(port)", weight: weight, maxFails: maxFails,
            failTimeout: failTimeout, isBackup: backup)
    }

    /// Servers on ports 9001, 9002, … with these weights.
    static func runtime(
        weights: [Int], balance: UpstreamRuntime.Balance = .roundRobin, keepalive: Int = 0,
        keepaliveTimeout: Double = 60
    ) -> UpstreamRuntime {
        UpstreamRuntime(
            name: "app",
            servers: weights.enumerated().map { server(port: 9_001 + UInt16($0.offset), weight: $0.element) },
            balance: balance, keepaliveConnections: keepalive, keepaliveTimeout: keepaliveTimeout)
    }

    /// `count` first picks of a fresh connection each (no retries).
    static func picks(_ pool: UpstreamPool, _ count: Int) -> [Int] {
        (0..<count).compactMap { _ in pool.nextServer(excluding: []) }
    }

    /// Runs `loop` until `condition` holds or `timeout` seconds pass; returns the condition.
    static func run(_ loop: EventLoop, timeout: Double = 10, until condition: @escaping () -> Bool) -> Bool {
        let started = loop.now
        var met = condition()
        guard !met else { return true }
        let ticker = LoopTimer(loop: loop, after: 0.01, repeating: 0.01) {
            met = condition()
            if met || loop.now - started > timeout { loop.stop() }
        }
        loop.run()
        ticker.cancel()
        return met
    }
}
