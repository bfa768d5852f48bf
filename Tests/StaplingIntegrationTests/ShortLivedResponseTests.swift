import Foundation
import TestSupport
import Testing

/// Its own top-level suite: it runs for minutes, mostly waiting, and overlaps with the others.
@Suite("Short-lived responses", .serialized)
struct ShortLivedResponseTests {
    /// One handshake and what it carried.
    private struct Observation {
        /// The client's clock just before connecting and just after the handshake.
        var started: Int64
        var finished: Int64
        var staple: StapleReport?
    }

    /// Handshakes every ~2 s and checks each staple as it comes: verified, good, for this leaf,
    /// never expired at the time of the handshake.
    private final class Prober {
        let world: StaplingWorld
        let leaf: TestLeaf
        let port: UInt16
        private(set) var observations: [Observation] = []
        private var reports: [[UInt8]: StapleReport] = [:]

        init(world: StaplingWorld, leaf: TestLeaf, port: UInt16) {
            self.world = world
            self.leaf = leaf
            self.port = port
        }

        /// Handshakes until `done` holds for an observation or `deadline` passes (then throws).
        @discardableResult
        func probe(until what: String, deadline: ContinuousClock.Instant, _ done: (Observation) -> Bool) throws
            -> Observation
        {
            while true {
                let observation = try observe()
                if done(observation) { return observation }
                guard ContinuousClock.now < deadline else {
                    throw ProbeTimeout(waitingFor: what, observations: observations.count)
                }
                // The pace of the probes, not a wait for a condition: every loop above is one check.
                sleepUntil(ContinuousClock.now + .seconds(2), deadline: deadline)
            }
        }

        func observe() throws -> Observation {
            let started = epochNow()
            let handshake = try world.handshake(port: port)
            let finished = epochNow()
            var report: StapleReport?
            if let der = handshake.stapledOCSPResponse {
                if let known = reports[der] {
                    report = known
                } else {
                    let fresh = try world.inspect(der, for: leaf)
                    #expect(fresh.signatureVerified, "\(fresh)")
                    #expect(fresh.leafStatus == "good", "\(fresh)")
                    #expect(fresh.serial == leaf.serial, "\(fresh)")
                    #expect(fresh.thisUpdate != nil && fresh.nextUpdate != nil, "\(fresh)")
                    reports[der] = fresh
                    report = fresh
                }
                // The daemon checks expiry at handshake time (its clock reads >= `started`).
                #expect(
                    (report?.nextUpdate ?? 0) > started,
                    "an expired staple was served: nextUpdate \(report?.nextUpdate ?? 0), handshake at \(started)")
            }
            let observation = Observation(started: started, finished: finished, staple: report)
            observations.append(observation)
            return observation
        }

        /// The newest nextUpdate among the staples seen so far.
        var latestNextUpdate: Int64 { observations.compactMap { $0.staple?.nextUpdate }.max() ?? 0 }
    }

    private struct ProbeTimeout: Error, CustomStringConvertible {
        var waitingFor: String
        var observations: Int
        var description: String { "still waiting for \(waitingFor) after \(observations) handshakes" }
    }

    @Test(
        "Short-lived staples are replaced before they expire, withdrawn when they expire, and resumed",
        .timeLimit(.minutes(8)))
    func shortLivedStaplesAreRefreshedWithdrawnAndResumed() throws {
        let world = try StaplingWorld()
        // nextUpdate = thisUpdate + 2 min: refreshed around the half-life, margin a tenth (12 s).
        let responder = try world.startResponder(validity: .minutes(2))
        defer { responder.stop() }
        let leaf = try world.pki.makeLeaf(name: "localhost", ocspURL: responder.url)
        try responder.reloadIndex()
        let config = world.config(
            [.init(leaf)], stapling: ["min_refresh_interval 5s;", "retry_base 5s;", "retry_max 10s;"])
        let daemon = try world.startDaemon(config)
        defer { _ = try? daemon.stop() }
        let prober = Prober(world: world, leaf: leaf, port: try daemon.port())

        // Phase 1: the first staple is replaced by a newer one before it expires.
        let first = try #require(try prober.observe().staple, "the first handshake carried no staple\n\(daemon.tail)")
        let firstThisUpdate = try #require(first.thisUpdate)
        let firstNextUpdate = try #require(first.nextUpdate)
        #expect(firstNextUpdate - firstThisUpdate == 120, "\(first)")
        let replaced = try prober.probe(until: "a newer staple", deadline: deadline(at: firstNextUpdate + 10)) {
            ($0.staple?.thisUpdate ?? 0) > firstThisUpdate
        }
        #expect(
            replaced.finished < firstNextUpdate,
            "the staple was replaced only after it expired (at \(replaced.finished), nextUpdate \(firstNextUpdate))")
        #expect(daemon.lines(containing: " info OCSP fetch ").filter { $0.contains("result=ok") }.count >= 2)
        #expect(
            prober.observations.allSatisfy { $0.staple != nil }, "a handshake went unstapled while the responder ran")

        // Phase 2: the responder goes away. The last staple is served until its nextUpdate, never after.
        responder.stop()
        let stoppedAt = epochNow()
        let outageMark = daemon.process.mark(.stderr)
        let unstapled = try prober.probe(
            until: "a handshake without a staple", deadline: deadline(at: prober.latestNextUpdate + 20)
        ) { $0.staple == nil }
        let expiry = prober.latestNextUpdate
        #expect(
            unstapled.finished >= expiry,
            "stapling stopped at \(unstapled.finished), before the last staple's nextUpdate \(expiry)")
        let failures = daemon.lines(containing: " warning OCSP fetch failed ").filter { $0.contains("check=transport") }
        #expect(failures.contains { $0.contains("staple=\"kept (valid until") }, "\(daemon.tail)")
        // Nothing but transport failures: every response that did arrive was accepted.
        #expect(
            daemon.lines(containing: "OCSP fetch failed").allSatisfy { $0.contains("check=transport") },
            "\(daemon.tail)")
        // Once expired, the failure log says so.
        try daemon.waitForLog(containing: "staple=none", after: outageMark, timeout: .seconds(30))
        // Further handshakes stay unstapled while the responder is down.
        #expect(try prober.observe().staple == nil)

        // Phase 3: the responder comes back on the same port; a retry (at most retry_max apart)
        // fetches and stapling resumes.
        try responder.restart()
        let resumed = try prober.probe(until: "stapling to resume", deadline: deadline(after: 45)) {
            $0.staple != nil
        }
        #expect((resumed.staple?.thisUpdate ?? 0) >= stoppedAt, "\(String(describing: resumed.staple))")
        try daemon.waitForLog(containing: "result=ok", after: outageMark, timeout: .seconds(10))
        #expect(try daemon.stop() == 0, "\(daemon.tail)")
    }

    /// A deadline at wall-clock second `epoch` (staple times are wall-clock), on the monotonic clock.
    private func deadline(at epoch: Int64) -> ContinuousClock.Instant {
        ContinuousClock.now + .seconds(max(0, epoch - epochNow()))
    }

    private func deadline(after seconds: Int64) -> ContinuousClock.Instant { ContinuousClock.now + .seconds(seconds) }
}

/// Sleeps until `instant` (or `deadline`, whichever is first): paces periodic probes.
private func sleepUntil(_ instant: ContinuousClock.Instant, deadline: ContinuousClock.Instant) {
    let remaining = ContinuousClock.now.duration(to: min(instant, deadline))
    guard remaining > .zero else { return }
    let (seconds, attoseconds) = remaining.components
    Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
}
