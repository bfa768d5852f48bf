import EventLoop
import Glibc
import Logging

/// One worker's view of one upstream: which server a new connection goes to, the failures it
/// saw, and (HTTP mode) idle connections kept for reuse. Lives on the worker's thread: no locks
/// (health and connection counts are atomics shared with the other workers through the servers).
///
/// Contract used by the connection state machines:
/// - `nextServer(excluding:)` walks the servers for one connection attempt sequence; nil = none
///   left. Primary servers that are up come first (by `balance`), then backup servers that are up;
///   when no server at all is up, the others are tried anyway as a last resort.
/// - `connectSucceeded`/`connectFailed` feed passive failure detection (`max_fails`,
///   `fail_timeout`); the state is shared by every worker.
/// - `requestStarted`/`requestFinished` feed least-connections balancing: call them around each
///   connection (`mode tcp`) or request (HTTP) sent to a server, failed connects included.
/// - Keep-alive reuse, nginx's way: choose the server first (`nextServer`), then
///   `takeIdleConnection(to:)`; or `takeIdleConnection()` then, when it returns nil,
///   `nextServer(excluding: [])`, which returns the server that call chose (weights hold either way).
///   `keepIdle` hands a connection back; the pool owns idle descriptors (watched for the server's
///   close, capped at `keepalive`, closed after `keepalive_timeout`). A taken descriptor is the
///   caller's, and may still have been closed by the server a moment ago: retry such a failure.
public final class UpstreamPool {
    public let upstream: UpstreamRuntime
    let logger: Logger?
    let clock: UpstreamClock
    /// Smooth weighted round robin state (nginx's `current_weight`), one per server.
    private var currentWeights: [Int]
    /// The server `takeIdleConnection()` chose without finding a connection: the next first pick.
    private var pendingPick: Int?
    private let idle: IdleConnectionCache?
    /// The runtime is no longer current (a reload): connections handed back are closed.
    public private(set) var isRetired = false

    /// - Parameters:
    ///   - loop: the worker's loop, which watches idle connections; without it none are kept.
    ///   - logger: where passive failure transitions are logged.
    public init(
        upstream: UpstreamRuntime, loop: EventLoop? = nil, logger: Logger? = nil, clock: UpstreamClock = .monotonic
    ) {
        self.upstream = upstream
        self.logger = logger
        self.clock = clock
        currentWeights = Array(repeating: 0, count: upstream.servers.count)
        if let loop, upstream.keepaliveConnections > 0 {
            idle = IdleConnectionCache(
                loop: loop, capacity: upstream.keepaliveConnections, timeout: upstream.keepaliveTimeout)
        } else {
            idle = nil
        }
    }

    // MARK: - Choosing a server

    /// The server to try after `tried` (the indexes already attempted for this connection).
    public func nextServer(excluding tried: [Int]) -> Int? {
        let servers = upstream.servers
        if tried.isEmpty, let pick = pendingPick {
            pendingPick = nil
            if servers[pick].isUp(at: clock) { return pick }
        }
        let clock = self.clock
        if let primary = choose({ !servers[$0].isBackup && !tried.contains($0) && servers[$0].isUp(at: clock) }) {
            return primary
        }
        if let backup = choose({ servers[$0].isBackup && !tried.contains($0) && servers[$0].isUp(at: clock) }) {
            return backup
        }
        // Every server is down (by checks or failures): trying one beats a certain error, and
        // the state may be a moment old.
        guard !servers.contains(where: { $0.isUp(at: clock) }) else { return nil }
        return choose { !servers[$0].isBackup && !tried.contains($0) }
            ?? choose { servers[$0].isBackup && !tried.contains($0) }
    }

    /// One pick among the servers `eligible` accepts, by the upstream's `balance`; nil if none.
    private func choose(_ eligible: (Int) -> Bool) -> Int? {
        switch upstream.balance {
        case .roundRobin:
            return weightedRoundRobin(eligible)
        case .leastConnections:
            // The fewest connections per unit of weight; ties are shared by weighted round robin.
            let servers = upstream.servers
            var best: Int?
            for index in servers.indices where eligible(index) {
                guard let current = best else {
                    best = index
                    continue
                }
                if servers[index].activeConnections * servers[current].weight
                    < servers[current].activeConnections * servers[index].weight
                {
                    best = index
                }
            }
            guard let best else { return nil }
            let load = servers[best].activeConnections
            let weight = servers[best].weight
            // Other workers move the counts meanwhile: when no tie is left, the best stands.
            return weightedRoundRobin { index in
                eligible(index) && servers[index].activeConnections * weight == load * servers[index].weight
            } ?? best
        }
    }

    /// nginx's smooth weighted round robin: each pick adds every eligible server's weight to its
    /// current weight and takes the largest, which then gives back the total. Over any run of
    /// picks among the same servers, each gets its share, spread out (5:1:1 → a a b a c a a).
    private func weightedRoundRobin(_ eligible: (Int) -> Bool) -> Int? {
        let servers = upstream.servers
        var total = 0
        var best: Int?
        for index in servers.indices where eligible(index) {
            currentWeights[index] += servers[index].weight
            total += servers[index].weight
            if let current = best, currentWeights[current] >= currentWeights[index] { continue }
            best = index
        }
        if let best { currentWeights[best] -= total }
        return best
    }

    // MARK: - Passive failure detection

    public func connectSucceeded(_ server: Int) {
        let entry = upstream.servers[server]
        if entry.recordSuccess() {
            logger?.notice(
                "upstream server up",
                metadata: [
                    "upstream": "\(upstream.name)", "server": "\(entry)", "by": "failed_connects",
                    "reason": "a connect succeeded",
                ])
        }
    }

    public func connectFailed(_ server: Int) {
        let entry = upstream.servers[server]
        switch entry.recordFailure(at: clock) {
        case .disabled:
            let failures = entry.maxFails == 1 ? "a failed connect" : "\(entry.maxFails) failed connects"
            logger?.warning(
                "upstream server down",
                metadata: [
                    "upstream": "\(upstream.name)", "server": "\(entry)", "by": "failed_connects",
                    "reason": "\(failures) within fail_timeout", "retry_after": "\(entry.failTimeout)s",
                ])
        case .counted, .stillDisabled:
            break
        }
    }

    // MARK: - least_conn

    public func requestStarted(_ server: Int) { upstream.servers[server].connectionStarted() }
    public func requestFinished(_ server: Int) { upstream.servers[server].connectionFinished() }

    // MARK: - Keep-alive

    /// Idle connections kept now.
    public var idleCount: Int { idle?.count ?? 0 }

    /// An idle, still-open connection to the server the balancer picks now, if one is kept. When
    /// none is, that pick is remembered: the next `nextServer(excluding: [])` returns it.
    public func takeIdleConnection() -> (fd: Int32, server: Int)? {
        guard let idle, !idle.isEmpty, let server = nextServer(excluding: []) else { return nil }
        if let fd = idle.take(server: server) { return (fd, server) }
        pendingPick = server
        return nil
    }

    /// An idle, still-open connection to `server` (chosen with `nextServer`), if one is kept.
    public func takeIdleConnection(to server: Int) -> Int32? {
        idle?.take(server: server)
    }

    /// Keeps `fd` (a connection to `server` whose last response completed) for reuse, or closes it:
    /// when keep-alive is off, the pool is retired, or the server is no longer up. Beyond
    /// `keepalive` idle connections, the oldest is closed. `fd` must have been watched on this
    /// worker's loop and stay open since: its epoll registration carries over (`IOWatcher.adopt`).
    public func keepIdle(fd: Int32, server: Int) {
        guard let idle, !isRetired, upstream.servers[server].isUp(at: clock) else {
            Glibc.close(fd)
            return
        }
        idle.keep(fd: fd, server: server)
    }

    /// The runtime is no longer current: closes every idle connection and keeps none from now on.
    /// Balancing still works for connections of the old generation.
    public func retire() {
        isRetired = true
        idle?.closeAll()
    }
}
