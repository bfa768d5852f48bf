import EventLoop
import Glibc
import Proxy
import Testing

/// Keep-alive reuse: the pool owns idle connections, watches them on the worker's loop, caps
/// them, times them out, and hands them back by server. Connections are socket pairs: the test
/// holds the "server" end and sees the pool's close as end of stream.
@Suite struct IdleConnectionTests {
    /// A connected pair: `pooled` goes to the pool, `peer` plays the server.
    struct Pair {
        var pooled: Int32
        var peer: Int32
    }

    static func pair() throws -> Pair {
        var fds: [Int32] = [-1, -1]
        let rc = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        try #require(rc == 0)
        return Pair(pooled: fds[0], peer: fds[1])
    }

    /// Whether the pool closed its end: the peer reads end of stream, or a reset when the pool
    /// closed with unread data (without waiting).
    static func closedByPool(_ pair: Pair) -> Bool {
        var byte: UInt8 = 0
        let n = recv(pair.peer, &byte, 1, Int32(MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }

    @Test func aKeptConnectionIsHandedBackForItsServer() throws {
        let loop = EventLoop()
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1, 1], keepalive: 4), loop: loop)
        let toFirst = try Self.pair()
        let toSecond = try Self.pair()
        defer { [toFirst.peer, toSecond.peer].forEach { _ = close($0) } }
        pool.keepIdle(fd: toFirst.pooled, server: 0)
        pool.keepIdle(fd: toSecond.pooled, server: 1)
        #expect(pool.idleCount == 2)
        #expect(pool.takeIdleConnection(to: 1) == toSecond.pooled)
        #expect(pool.takeIdleConnection(to: 1) == nil)
        #expect(pool.takeIdleConnection(to: 0) == toFirst.pooled)
        #expect(pool.idleCount == 0)
        #expect(!Self.closedByPool(toFirst) && !Self.closedByPool(toSecond), "taken connections are the caller's")
        close(toFirst.pooled)
        close(toSecond.pooled)
    }

    @Test func takingWithoutAServerFollowsTheBalancer() throws {
        let loop = EventLoop()
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1, 1], keepalive: 4), loop: loop)
        let toSecond = try Self.pair()
        defer { _ = close(toSecond.peer) }
        pool.keepIdle(fd: toSecond.pooled, server: 1)
        // The balancer's turn is server 0, which has no idle connection: the caller connects, and
        // the next first pick is that same server 0 (weights hold).
        #expect(pool.takeIdleConnection() == nil)
        #expect(pool.nextServer(excluding: []) == 0)
        let taken = try #require(pool.takeIdleConnection())
        #expect(taken.server == 1 && taken.fd == toSecond.pooled)
        close(taken.fd)
    }

    @Test func beyondTheCapTheOldestIsClosed() throws {
        let loop = EventLoop()
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1], keepalive: 2), loop: loop)
        let pairs = try (0..<3).map { _ in try Self.pair() }
        defer { pairs.forEach { _ = close($0.peer) } }
        for pair in pairs { pool.keepIdle(fd: pair.pooled, server: 0) }
        #expect(pool.idleCount == 2)
        #expect(Self.closedByPool(pairs[0]))
        #expect(!Self.closedByPool(pairs[1]) && !Self.closedByPool(pairs[2]))
        #expect(pool.takeIdleConnection(to: 0) == pairs[2].pooled, "the most recent first")
        close(pairs[2].pooled)
        pool.retire()
    }

    @Test func aConnectionTheServerClosesIsDropped() throws {
        let loop = EventLoop()
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1], keepalive: 4), loop: loop)
        let pair = try Self.pair()
        pool.keepIdle(fd: pair.pooled, server: 0)
        close(pair.peer)
        #expect(UpstreamFixtures.run(loop) { pool.idleCount == 0 })
        #expect(pool.takeIdleConnection(to: 0) == nil)
    }

    @Test func aConnectionTheServerWritesToIsDropped() throws {
        let loop = EventLoop()
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1], keepalive: 4), loop: loop)
        let pair = try Self.pair()
        defer { _ = close(pair.peer) }
        pool.keepIdle(fd: pair.pooled, server: 0)
        // An unsolicited response (a 408, say) would be read as the answer to the next request.
        _ = send(pair.peer, "HTTP/1.1 408 Request Timeout\r\n\r\n", 32, Int32(MSG_NOSIGNAL))
        #expect(UpstreamFixtures.run(loop) { pool.idleCount == 0 })
        #expect(Self.closedByPool(pair))
    }

    @Test func idleConnectionsAreClosedAfterTheTimeout() throws {
        let loop = EventLoop()
        let pool = UpstreamPool(
            upstream: UpstreamFixtures.runtime(weights: [1], keepalive: 4, keepaliveTimeout: 0.2), loop: loop)
        let pair = try Self.pair()
        defer { _ = close(pair.peer) }
        pool.keepIdle(fd: pair.pooled, server: 0)
        #expect(UpstreamFixtures.run(loop) { pool.idleCount == 0 })
        #expect(Self.closedByPool(pair))
    }

    @Test func nothingIsKeptWhenKeepaliveIsOffTheServerIsDownOrThePoolRetired() throws {
        let loop = EventLoop()
        let off = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1]), loop: loop)
        let first = try Self.pair()
        off.keepIdle(fd: first.pooled, server: 0)
        #expect(off.idleCount == 0 && Self.closedByPool(first))

        let runtime = UpstreamFixtures.runtime(weights: [1, 1], keepalive: 4)
        let pool = UpstreamPool(upstream: runtime, loop: loop)
        runtime.servers[1].setHealthy(false)
        let second = try Self.pair()
        pool.keepIdle(fd: second.pooled, server: 1)
        #expect(pool.idleCount == 0 && Self.closedByPool(second))

        let third = try Self.pair()
        pool.keepIdle(fd: third.pooled, server: 0)
        #expect(pool.idleCount == 1)
        pool.retire()
        #expect(pool.idleCount == 0 && Self.closedByPool(third))
        let fourth = try Self.pair()
        pool.keepIdle(fd: fourth.pooled, server: 0)
        #expect(pool.idleCount == 0 && Self.closedByPool(fourth))
        for pair in [first, second, third, fourth] { close(pair.peer) }
    }
}
