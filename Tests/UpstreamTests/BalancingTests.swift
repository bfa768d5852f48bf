import Proxy
import Testing

/// Which server new connections go to: weighted round robin and least connections.
@Suite struct BalancingTests {
    @Test func equalWeightsAlternateInConfiguredOrder() {
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1, 1, 1]))
        #expect(UpstreamFixtures.picks(pool, 7) == [0, 1, 2, 0, 1, 2, 0])
    }

    @Test func weightsAreSmoothlyInterleaved() {
        // nginx's smooth weighted round robin: 5:1:1 gives a a b a c a a, not a a a a a b c.
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [5, 1, 1]))
        #expect(UpstreamFixtures.picks(pool, 7) == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test(arguments: [[1, 1], [3, 1], [1, 2, 3], [10, 1, 5, 1], [1000, 1]])
    func weightedDistributionIsExactOverWholeCycles(_ weights: [Int]) {
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: weights))
        let cycles = 5
        let picks = UpstreamFixtures.picks(pool, weights.reduce(0, +) * cycles)
        let counts = weights.indices.map { index in picks.count { $0 == index } }
        #expect(counts == weights.map { $0 * cycles })
    }

    @Test func eachWorkerPoolBalancesOnItsOwn() {
        let runtime = UpstreamFixtures.runtime(weights: [1, 1])
        let first = UpstreamPool(upstream: runtime)
        let second = UpstreamPool(upstream: runtime)
        #expect(UpstreamFixtures.picks(first, 2) == [0, 1])
        #expect(UpstreamFixtures.picks(second, 2) == [0, 1])
    }

    @Test func leastConnectionsPicksTheServerWithFewestOpenConnections() {
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1, 1, 1], balance: .leastConnections))
        pool.requestStarted(0)
        pool.requestStarted(0)
        pool.requestStarted(1)
        #expect(pool.nextServer(excluding: []) == 2)
        pool.requestStarted(2)
        pool.requestStarted(2)
        pool.requestStarted(2)
        #expect(pool.nextServer(excluding: []) == 1)
        pool.requestFinished(0)
        pool.requestFinished(0)
        #expect(pool.nextServer(excluding: []) == 0)
    }

    @Test func leastConnectionsWeighsConnectionsByWeight() {
        // Server 0 (weight 3) with 2 connections carries less per unit of weight than server 1
        // (weight 1) with 1.
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [3, 1], balance: .leastConnections))
        pool.requestStarted(0)
        pool.requestStarted(0)
        pool.requestStarted(1)
        #expect(pool.nextServer(excluding: []) == 0)
    }

    @Test func leastConnectionsBreaksTiesByWeightedRoundRobin() {
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [2, 1], balance: .leastConnections))
        // Nothing open: every pick is a tie, so the shares follow the weights.
        let picks = UpstreamFixtures.picks(pool, 30)
        #expect(picks.count { $0 == 0 } == 20)
        #expect(picks.count { $0 == 1 } == 10)
    }

    @Test func leastConnectionsCountsAreSharedByEveryWorker() {
        let runtime = UpstreamFixtures.runtime(weights: [1, 1], balance: .leastConnections)
        let worker0 = UpstreamPool(upstream: runtime)
        let worker1 = UpstreamPool(upstream: runtime)
        worker0.requestStarted(0)
        #expect(runtime.servers[0].activeConnections == 1)
        #expect(worker1.nextServer(excluding: []) == 1)
        worker0.requestFinished(0)
        #expect(runtime.servers[0].activeConnections == 0)
    }

    @Test func retriesWalkEveryServerOnceThenStop() {
        let pool = UpstreamPool(upstream: UpstreamFixtures.runtime(weights: [1, 1, 1]))
        var tried: [Int] = []
        while let next = pool.nextServer(excluding: tried) {
            #expect(!tried.contains(next))
            tried.append(next)
            #expect(tried.count <= 3)
        }
        #expect(tried.sorted() == [0, 1, 2])
    }
}
