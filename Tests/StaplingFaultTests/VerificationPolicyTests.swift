import Foundation
import TestSupport
import Testing

/// Responses that verify but are subject to a policy: no nextUpdate (accepted for a maximum age),
/// an older thisUpdate than the staple being served (rollback), and `revoked` (stapled, loudly).
@Suite("Verification policy")
struct VerificationPolicyTests {
    @Test("a response without nextUpdate is stapled, for max_age_without_next_update (1h) only")
    func noNextUpdateIsStapledForTheMaximumAge() throws {
        let scenario = try FaultScenario("no-nextupdate", mode: "no-nextupdate")
        let daemon = try scenario.startDaemon()
        let fetched = try daemon.waitForLine(containing: " result=ok")
        #expect(fetched.message == "OCSP fetch" && fetched["cert_status"] == "good", "\(fetched)")
        #expect(fetched["next_update"] == "none", "\(fetched)")
        #expect(daemon.lines("OCSP fetch failed").isEmpty, "\(daemon.log)")

        // Its effective validity is thisUpdate + 1h: the refresh point is at half of that (± 10 %).
        let thisUpdate = try #require(fetched["this_update"].flatMap(UTCTimestamp.parse))
        let next = try #require(NextRefresh(fetched["next_refresh"]), "\(fetched)")
        #expect(next.reason == "refreshPoint", "\(fetched)")
        #expect((thisUpdate + 1_440...thisUpdate + 2_160).contains(next.at), "\(fetched)")

        let cached = try #require(try scenario.cacheEntry())
        #expect(cached.metadata["nextUpdate"] == nil)
        let staple = try #require(try daemon.stapledResponse(serverName: scenario.leaf.name))
        #expect(staple == cached.der)
        #expect(try StapleFacts(der: staple).hasNextUpdate == false)
        let validUntil = UTCTimestamp.format(thisUpdate + 3_600)
        let check = try ChildProcess.run([try StapledBinary.path(), "-t", "-c", scenario.configPath])
        #expect(check.stdout.contains("cached staple: valid until \(validUntil) (good)"), "\(check.stdout)")

        // After a restart the cached staple (whose sidecar has no nextUpdate) is served again, not
        // refetched: it is far from its refresh point, so the failing responder is never asked.
        try daemon.stop()
        try scenario.responder.setMode("http500")
        let restarted = try scenario.startDaemon()
        #expect(restarted.lines("ignoring cached staple").isEmpty, "\(restarted.log)")
        #expect(restarted.lines("OCSP fetch failed").isEmpty, "\(restarted.log)")
        #expect(try restarted.stapledResponse(serverName: scenario.leaf.name) == cached.der)
        #expect(!scenario.responder.requests.contains { $0.hasPrefix("mode=http500 ") })
    }

    @Test("a response older than the staple being served is refused as a rollback")
    func olderThisUpdateIsARollback() throws {
        let scenario = try FaultScenario("rollback")
        let previous = try scenario.primeCache(mode: "good")
        let previousThisUpdate = try #require(previous.metadata["thisUpdate"])
        let previousValidUntil = try #require(previous.metadata["nextUpdate"])

        // The fresh cached staple is not due: a 1 s maximum interval brings its refresh right after start.
        try scenario.responder.setMode("old-thisupdate")
        let daemon = try scenario.startDaemon(extra: ["min_refresh_interval 1s", "max_refresh_interval 1s"])
        let failure = try daemon.waitForLine(containing: " OCSP fetch failed ")
        #expect(failure.level == "warning", "\(failure)")
        #expect(failure["check"] == "rollback", "\(failure)")
        #expect(
            failure["reason"]?.hasSuffix("is older than the current staple's \(previousThisUpdate)") == true,
            "\(failure)")
        #expect(failure["staple"] == "kept (valid until \(previousValidUntil))", "\(failure)")
        #expect(NextRefresh(failure["next_refresh"])?.reason == "backoff", "\(failure)")
        #expect(scenario.responder.requests.contains { $0.hasPrefix("mode=old-thisupdate ") })
        #expect(daemon.lines("OCSP fetch").isEmpty, "\(daemon.log)")

        #expect(try daemon.stapledResponse(serverName: scenario.leaf.name) == previous.der)
        #expect(try scenario.cacheEntry()?.der == previous.der)
    }

    @Test("revoked is stapled (it replaces a good staple) and logged at critical")
    func revokedIsStapledAndCritical() throws {
        let scenario = try FaultScenario("revoked")
        let previous = try scenario.primeCache()
        try scenario.responder.setMode("revoked")
        let daemon = try scenario.startDaemon()

        let fetched = try daemon.waitForLine(containing: " result=ok")
        #expect(fetched.level == "info" && fetched.message == "OCSP fetch", "\(fetched)")
        #expect(fetched["cert_status"]?.hasPrefix("revoked") == true, "\(fetched)")
        let critical = daemon.lines.filter { $0.level == "critical" }
        #expect(critical.count == 1, "\(daemon.log)")
        #expect(critical.first?.message.contains("REVOKED") == true, "\(daemon.log)")
        #expect(critical.first?["certificate"]?.hasSuffix("CN=\(scenario.leaf.name)") == true, "\(daemon.log)")
        // The cached good staple settled start-up; the overdue refresh that brought `revoked` ran
        // in the background after it.
        #expect(daemon.lines.contains { $0.message == "stapling: 1 certificate: 1 stapled" }, "\(daemon.log)")

        let cached = try #require(try scenario.cacheEntry())
        #expect(cached.der != previous.der)
        #expect(cached.metadata["certStatus"] == "revoked")
        let staple = try #require(try daemon.stapledResponse(serverName: scenario.leaf.name))
        #expect(staple == cached.der)
        #expect(try StapleFacts(der: staple).certStatus == "revoked")
    }
}
