/// `upstream NAME { server HOST:PORT [options]; ... }` — a named group of backend servers and how
/// connections are spread over them, checked and reused.
public struct Upstream: Sendable, Equatable {
    public var name: String
    /// `server` lines in file order; each location is that of the address argument.
    public var servers: [Located<UpstreamServerSpec>]
    /// `balance round_robin|least_conn;`
    public var balance: UpstreamBalance = .roundRobin
    /// `keepalive N;` — idle connections kept per worker for reuse (HTTP mode); 0 keeps none.
    public var keepalive: Int = 0
    /// `keepalive_timeout DURATION;` — an idle kept connection is closed after this long.
    public var keepaliveTimeout: Duration = .seconds(60)
    /// `health_check tcp|http [options];` — active checks; nil: passive failure detection only.
    public var healthCheck: UpstreamHealthCheck?
    /// `send_proxy v1|v2;` — a PROXY protocol header before the client's bytes (`mode tcp`).
    public var sendProxy: ProxyProtocolVersion?
    /// Where the `upstream` directive starts.
    public var location: SourceLocation

    public init(name: String, servers: [Located<UpstreamServerSpec>], location: SourceLocation) {
        self.name = name
        self.servers = servers
        self.location = location
    }
}

/// One `server HOST:PORT [weight=N] [max_fails=N] [fail_timeout=DURATION] [backup];` line.
public struct UpstreamServerSpec: Sendable, Equatable {
    public static let weightLimit = 1...1000
    public static let maxFailsLimit = 0...1000

    public var address: HostPort
    /// Share of new connections relative to the other servers of its tier (primary or backup).
    public var weight: Int = 1
    /// Failed connects within `failTimeout` that take the server out for `failTimeout`; 0 never does.
    public var maxFails: Int = 1
    public var failTimeout: Duration = .seconds(10)
    /// Used only while no primary (non-backup) server is available.
    public var isBackup = false

    public init(
        _ address: HostPort, weight: Int = 1, maxFails: Int = 1, failTimeout: Duration = .seconds(10),
        isBackup: Bool = false
    ) {
        self.address = address
        self.weight = weight
        self.maxFails = maxFails
        self.failTimeout = failTimeout
        self.isBackup = isBackup
    }
}

/// `balance round_robin|least_conn;`
public enum UpstreamBalance: String, Sendable, Equatable, CaseIterable {
    /// Smooth weighted round robin (nginx's).
    case roundRobin = "round_robin"
    /// The server with the fewest open connections relative to its weight; ties by round robin.
    case leastConnections = "least_conn"
}

/// `health_check tcp|http [path=PATH] [interval=D] [rise=N] [fall=N] [timeout=D];`
public struct UpstreamHealthCheck: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A TCP connect that completes is a pass.
        case tcp
        /// `GET PATH HTTP/1.1` answered with a 2xx or 3xx status is a pass.
        case http(path: String)
    }

    public static let countLimit = 1...1000

    public var kind: Kind
    /// Time between the starts of two checks of one server.
    public var interval: Duration = .seconds(5)
    /// Consecutive passes that bring a down server back.
    public var rise: Int = 2
    /// Consecutive failures that take an up server down.
    public var fall: Int = 3
    /// Time one check may take (connect and, for http, the response's status line); at most `interval`.
    public var timeout: Duration = .seconds(2)

    public init(kind: Kind) { self.kind = kind }
}

/// `send_proxy v1|v2;`
public enum ProxyProtocolVersion: String, Sendable, Equatable, CaseIterable {
    /// The human-readable header: `PROXY TCP4 SRC DST SPORT DPORT\r\n`.
    case v1
    /// The binary header, with TLS facts (version, cipher, SNI, ALPN) as TLVs.
    case v2
}
