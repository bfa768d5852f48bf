/// One `upstream NAME { }` block in one config generation: its servers and policies (immutable),
/// plus the health state shared by every worker (atomics in each `Server`, written by health checks
/// and by passive failure detection, read lock-free when choosing a server).
///
/// Frontends that name the same upstream share one runtime, so health and connection counts are
/// per upstream, not per frontend. A reload builds new runtimes; the old ones live on while
/// connections accepted under them do.
public final class UpstreamRuntime: Sendable {
    public enum Balance: Sendable, Equatable { case roundRobin, leastConnections }

    /// `send_proxy v1|v2;`
    public enum ProxyProtocol: Sendable, Equatable { case v1, v2 }

    /// `health_check ...;` — run by the daemon's health checker, once per daemon (not per worker).
    public struct HealthCheck: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case tcp
            case http(path: String)
        }

        public var kind: Kind
        /// Seconds between two checks of one server.
        public var interval: Double
        /// Seconds one check may take.
        public var timeout: Double
        /// Consecutive passes that bring a down server back, consecutive failures that take it down.
        public var rise: Int
        public var fall: Int

        public init(kind: Kind, interval: Double = 5, timeout: Double = 2, rise: Int = 2, fall: Int = 3) {
            self.kind = kind
            self.interval = interval
            self.timeout = timeout
            self.rise = rise
            self.fall = fall
        }
    }

    public let name: String
    /// Every resolved address of every `server` line, in configured order (a host name that
    /// resolves to several addresses gives several servers with the same options).
    public let servers: [Server]
    public let balance: Balance
    /// Idle upstream connections kept per worker for reuse (HTTP mode); 0 disables reuse.
    public let keepaliveConnections: Int
    /// Seconds an idle kept connection may wait before it is closed.
    public let keepaliveTimeout: Double
    public let healthCheck: HealthCheck?
    /// Written to the server before any client byte (`mode tcp`).
    public let sendProxy: ProxyProtocol?

    public init(
        name: String, servers: [Server], balance: Balance = .roundRobin, keepaliveConnections: Int = 0,
        keepaliveTimeout: Double = 60, healthCheck: HealthCheck? = nil, sendProxy: ProxyProtocol? = nil
    ) {
        self.name = name
        self.servers = servers
        self.balance = balance
        self.keepaliveConnections = keepaliveConnections
        self.keepaliveTimeout = keepaliveTimeout
        self.healthCheck = healthCheck
        self.sendProxy = sendProxy
    }
}
