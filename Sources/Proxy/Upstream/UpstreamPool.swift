/// One worker's view of one upstream: which server a new connection goes to, the failures it
/// saw, and (HTTP mode) idle connections kept for reuse. Lives on the worker's thread: no locks.
///
/// Contract used by the connection state machines:
/// - `nextServer(after:)` walks the servers for one connection attempt sequence; nil = none left.
/// - `connectSucceeded`/`connectFailed` feed passive failure detection.
/// - `requestStarted`/`requestFinished` feed least-connections balancing.
/// - `takeIdleConnection`/`keepIdle` reuse upstream connections (the pool owns idle fds).
public final class UpstreamPool {
    public let upstream: UpstreamRuntime
    private var cursor = 0

    public init(upstream: UpstreamRuntime) { self.upstream = upstream }

    /// The server to try after `tried` (the indexes already attempted for this connection).
    public func nextServer(excluding tried: [Int]) -> Int? {
        let servers = upstream.servers
        for offset in 0..<servers.count {
            let index = (cursor + offset) % servers.count
            if !tried.contains(index) {
                if tried.isEmpty { cursor = (index + 1) % servers.count }
                return index
            }
        }
        return nil
    }

    public func connectSucceeded(_ server: Int) {}
    public func connectFailed(_ server: Int) {}
    public func requestStarted(_ server: Int) {}
    public func requestFinished(_ server: Int) {}

    /// An idle, still-open connection to some server of this upstream, if one is kept.
    public func takeIdleConnection() -> (fd: Int32, server: Int)? { nil }

    /// Keeps `fd` (a connection to `server` whose last response completed) for reuse, or closes it.
    public func keepIdle(fd: Int32, server: Int) { _ = fd }
}
