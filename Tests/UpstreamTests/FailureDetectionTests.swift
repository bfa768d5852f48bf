import Proxy
import Testing

/// Passive failure detection (nginx's `max_fails` and `fail_timeout`) and active health, as they
/// steer the choice of server. Time is a manual clock: nothing here waits.
@Suite struct FailureDetectionTests {
    let clock = ManualUpstreamClock()

    func pool(maxFails: Int = 2, failTimeout: Double = 10, servers count: Int = 2) -> UpstreamPool {
        let servers = (0..<count).map {
            UpstreamFixtures.server(port: 9_001 + UInt16($0), maxFails: maxFails, failTimeout: failTimeout)
        }
        return UpstreamPool(upstream: UpstreamRuntime(name: "app", servers: servers), clock: clock.clock)
    }

    @Test func maxFailsWithinFailTimeoutTakeTheServerOutUntilItPasses() {
        let pool = pool(maxFails: 2, failTimeout: 10)
        pool.connectFailed(0)
        #expect(UpstreamFixtures.picks(pool, 4).contains(0), "one failure of two allowed: still chosen")
        clock.advance(seconds: 5)
        pool.connectFailed(0)
        #expect(UpstreamFixtures.picks(pool, 4) == [1, 1, 1, 1])
        #expect(pool.upstream.servers[0].isDisabled(at: clock.clock))

        clock.advance(seconds: 9.9)
        #expect(UpstreamFixtures.picks(pool, 2) == [1, 1])
        clock.advance(seconds: 0.1)
        #expect(UpstreamFixtures.picks(pool, 4).contains(0), "back after fail_timeout")
    }

    @Test func failuresFurtherApartThanFailTimeoutDoNotAddUp() {
        let pool = pool(maxFails: 2, failTimeout: 10)
        pool.connectFailed(0)
        clock.advance(seconds: 10.5)
        pool.connectFailed(0)
        #expect(!pool.upstream.servers[0].isDisabled(at: clock.clock))
        clock.advance(seconds: 1)
        pool.connectFailed(0)
        #expect(pool.upstream.servers[0].isDisabled(at: clock.clock))
    }

    @Test func theTrialAfterFailTimeoutDecides() {
        let pool = pool(maxFails: 3, failTimeout: 10)
        for _ in 0..<3 { pool.connectFailed(0) }
        #expect(pool.upstream.servers[0].isDisabled(at: clock.clock))

        // The first connect after fail_timeout fails: out again at once, not after 3 more.
        clock.advance(seconds: 10)
        #expect(pool.upstream.servers[0].recordFailure(at: clock.clock) == .stillDisabled)
        #expect(pool.upstream.servers[0].isDisabled(at: clock.clock))

        // The next trial succeeds: back in, and failures count from zero again.
        clock.advance(seconds: 10)
        pool.connectSucceeded(0)
        #expect(!pool.upstream.servers[0].isDisabled(at: clock.clock))
        pool.connectFailed(0)
        pool.connectFailed(0)
        #expect(!pool.upstream.servers[0].isDisabled(at: clock.clock))
        pool.connectFailed(0)
        #expect(pool.upstream.servers[0].isDisabled(at: clock.clock))
    }

    @Test func aSuccessForgetsEarlierFailures() {
        let pool = pool(maxFails: 2)
        pool.connectFailed(0)
        pool.connectSucceeded(0)
        pool.connectFailed(0)
        #expect(!pool.upstream.servers[0].isDisabled(at: clock.clock))
    }

    @Test func maxFailsZeroNeverTakesAServerOut() {
        let pool = pool(maxFails: 0)
        for _ in 0..<100 { pool.connectFailed(0) }
        #expect(!pool.upstream.servers[0].isDisabled(at: clock.clock))
        #expect(UpstreamFixtures.picks(pool, 2) == [0, 1])
    }

    @Test func failuresSeenByOneWorkerSteerEveryWorker() {
        let runtime = UpstreamRuntime(
            name: "app", servers: [UpstreamFixtures.server(port: 9_001), UpstreamFixtures.server(port: 9_002)])
        let worker0 = UpstreamPool(upstream: runtime, clock: clock.clock)
        let worker1 = UpstreamPool(upstream: runtime, clock: clock.clock)
        worker0.connectFailed(0)
        #expect(UpstreamFixtures.picks(worker1, 3) == [1, 1, 1])
    }

    @Test func aServerFailingItsHealthChecksIsNotChosen() {
        let pool = pool(servers: 3)
        pool.upstream.servers[1].setHealthy(false)
        #expect(UpstreamFixtures.picks(pool, 4) == [0, 2, 0, 2])
        #expect(pool.upstream.servers[1].setHealthy(true))
        #expect(!pool.upstream.servers[1].setHealthy(true), "no change: no transition to log")
        #expect(UpstreamFixtures.picks(pool, 3).contains(1))
    }

    @Test func whenEveryServerIsDownEachIsStillTriedOnce() {
        // A certain error is worse than a connect to a server believed down (its state may be a
        // moment old); a single-server upstream is thus always tried, as in nginx.
        let pool = pool(maxFails: 1, servers: 2)
        pool.connectFailed(0)
        pool.upstream.servers[1].setHealthy(false)
        var tried: [Int] = []
        while let next = pool.nextServer(excluding: tried) { tried.append(next) }
        #expect(tried.sorted() == [0, 1])
    }

    @Test func retriesSkipServersThatAreDownWhileOthersAreUp() {
        let pool = pool(servers: 3)
        pool.upstream.servers[2].setHealthy(false)
        #expect(pool.nextServer(excluding: [0]) == 1)
        #expect(pool.nextServer(excluding: [0, 1]) == nil)
    }
}
