import Proxy
import Testing

/// `backup` servers: used only while no primary server can take the connection.
@Suite struct BackupServerTests {
    let clock = ManualUpstreamClock()

    /// Two primaries (0, 1) and two backups (2, 3).
    func pool() -> UpstreamPool {
        let servers = [
            UpstreamFixtures.server(port: 9_001), UpstreamFixtures.server(port: 9_002),
            UpstreamFixtures.server(port: 9_003, backup: true), UpstreamFixtures.server(port: 9_004, backup: true),
        ]
        return UpstreamPool(upstream: UpstreamRuntime(name: "app", servers: servers), clock: clock.clock)
    }

    @Test func backupsGetNothingWhileAPrimaryIsUp() {
        let pool = pool()
        #expect(UpstreamFixtures.picks(pool, 6) == [0, 1, 0, 1, 0, 1])
        pool.upstream.servers[0].setHealthy(false)
        #expect(UpstreamFixtures.picks(pool, 3) == [1, 1, 1])
    }

    @Test func backupsShareTheLoadWhenEveryPrimaryIsDown() {
        let pool = pool()
        pool.upstream.servers[0].setHealthy(false)
        pool.connectFailed(1)
        #expect(UpstreamFixtures.picks(pool, 4) == [2, 3, 2, 3])
        pool.upstream.servers[0].setHealthy(true)
        #expect(UpstreamFixtures.picks(pool, 2) == [0, 0])
    }

    @Test func aRetryFallsBackToBackupsOnceEveryPrimaryFailedForThisConnection() {
        let pool = UpstreamPool(
            upstream: UpstreamRuntime(
                name: "app",
                servers: [
                    UpstreamFixtures.server(port: 9_001, maxFails: 0),
                    UpstreamFixtures.server(port: 9_002, maxFails: 0),
                    UpstreamFixtures.server(port: 9_003, maxFails: 0, backup: true),
                ]), clock: clock.clock)
        #expect(pool.nextServer(excluding: [0]) == 1)
        #expect(pool.nextServer(excluding: [0, 1]) == 2)
        #expect(pool.nextServer(excluding: [0, 1, 2]) == nil)
    }

    @Test func backupsComeBackOutOfUseWhenAPrimaryRecovers() {
        let pool = pool()
        pool.connectFailed(0)
        pool.connectFailed(1)
        #expect(UpstreamFixtures.picks(pool, 2) == [2, 3])
        clock.advance(seconds: 10)
        #expect(UpstreamFixtures.picks(pool, 2) == [0, 1])
    }
}
