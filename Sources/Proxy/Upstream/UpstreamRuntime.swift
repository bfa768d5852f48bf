import Synchronization

/// One `upstream NAME { }` block in one config generation: its servers and policies (immutable),
/// plus the health state shared by every worker (atomics, written by health checks and by
/// passive failure detection, read lock-free when choosing a server).
public final class UpstreamRuntime: Sendable {
    public enum Balance: Sendable, Equatable { case roundRobin, leastConnections }

    /// One `server` line.
    public final class Server: Sendable, CustomStringConvertible {
        public let address: SocketAddress
        /// The address as configured (host name or literal), for logs.
        public let name: String
        public let weight: Int
        public let maxFails: Int
        public let failTimeout: Double
        public let isBackup: Bool
        /// False while the server is considered down (health check or passive failures).
        let up = Atomic<Bool>(true)

        public init(address: SocketAddress, name: String, weight: Int = 1, maxFails: Int = 1, failTimeout: Double = 10, isBackup: Bool = false) {
            self.address = address
            self.name = name
            self.weight = weight
            self.maxFails = maxFails
            self.failTimeout = failTimeout
            self.isBackup = isBackup
        }

        public var isUp: Bool { up.load(ordering: .relaxed) }
        public var description: String { name == "\(address)" ? name : "\(name) (\(address))" }
    }

    public let name: String
    public let servers: [Server]
    public let balance: Balance
    /// Idle upstream connections kept per worker for reuse (HTTP mode); 0 disables reuse.
    public let keepaliveConnections: Int
    public let keepaliveTimeout: Double

    public init(
        name: String, servers: [Server], balance: Balance = .roundRobin, keepaliveConnections: Int = 0,
        keepaliveTimeout: Double = 60
    ) {
        self.name = name
        self.servers = servers
        self.balance = balance
        self.keepaliveConnections = keepaliveConnections
        self.keepaliveTimeout = keepaliveTimeout
    }
}
