import Foundation
import TestSupport
import Testing

/// Each responder fault through the real daemon and the fault responder: the failed check is
/// named in the log, a retry is scheduled, and what is stapled afterwards is what was stapled
/// before (the previous good staple, or nothing on a cold start).
@Suite("Responder faults")
struct FetchFaultTests {
    /// The default `retry_base`: the first backoff lies in [retry_base, 3 × retry_base).
    static let retryBase: Int64 = 60

    @Test("warm cache: the fault is logged and retried, the previous staple is still served", arguments: FetchFault.all)
    func faultKeepsThePreviousStaple(_ fault: FetchFault) throws {
        let scenario = try FaultScenario("warm-\(fault.name)", stapling: fault.stapling)
        // Cached: a good response valid for another day, past its refresh point, so refreshed at start.
        let previous = try scenario.primeCache()
        let previousValidUntil = try #require(previous.metadata["nextUpdate"])

        try fault.inject(into: scenario)
        let startedAt = UTCTimestamp.now
        let daemon = try scenario.startDaemon()
        let failure = try daemon.waitForLine(containing: " OCSP fetch failed ")

        expect(failure, reports: fault, scenario, staple: "kept (valid until \(previousValidUntil))")
        expectFirstBackoff(failure, after: startedAt)
        #expect(daemon.lines("OCSP fetch failed").count == 1, "\(daemon.log)")
        #expect(daemon.lines("OCSP fetch").isEmpty, "\(daemon.log)")
        #expect(daemon.lines("ignoring cached staple").isEmpty, "\(daemon.log)")
        #expect(daemon.lines.contains { $0.message == "stapling: 1 certificate: 1 stapled" }, "\(daemon.log)")

        // The previous staple, byte for byte, in the handshake and in the cache.
        #expect(try daemon.stapledResponse(serverName: scenario.leaf.name) == previous.der)
        #expect(try scenario.cacheEntry()?.der == previous.der)
    }

    @Test("cold start: the fault is logged and retried, nothing is stapled", arguments: FetchFault.all)
    func faultOnColdStartStaplesNothing(_ fault: FetchFault) throws {
        let scenario = try FaultScenario("cold-\(fault.name)", stapling: fault.stapling)
        try fault.inject(into: scenario)
        let startedAt = UTCTimestamp.now
        let daemon = try scenario.startDaemon()
        let failure = try daemon.waitForLine(containing: " OCSP fetch failed ")

        expect(failure, reports: fault, scenario, staple: "none")
        expectFirstBackoff(failure, after: startedAt)
        #expect(daemon.lines("OCSP fetch").isEmpty, "\(daemon.log)")
        #expect(
            daemon.lines.contains { $0.message == "stapling: 1 certificate: 0 stapled, 1 without staple" },
            "\(daemon.log)")

        #expect(try daemon.stapledResponse(serverName: scenario.leaf.name) == nil)
        #expect(try scenario.cacheEntries().isEmpty)
    }

    @Test("after a fault, the scheduled retry staples the responder's next good answer")
    func retryAfterAFaultStaplesTheRecoveredResponse() throws {
        let scenario = try FaultScenario("recovery", stapling: ["retry_base 1s", "retry_max 1s"])
        let previous = try scenario.primeCache()
        try scenario.responder.setMode("http500")
        let daemon = try scenario.startDaemon()
        let failure = try daemon.waitForLine(containing: " OCSP fetch failed ")
        #expect(failure["check"] == "transport" && failure["http_status"] == "500", "\(failure)")
        #expect(NextRefresh(failure["next_refresh"])?.reason == "backoff", "\(failure)")
        #expect(try daemon.stapledResponse(serverName: scenario.leaf.name) == previous.der)

        try scenario.responder.setMode("good")
        let fetched = try daemon.waitForLine(containing: " result=ok", timeout: .seconds(15))
        #expect(fetched.message == "OCSP fetch" && fetched["cert_status"] == "good", "\(fetched)")
        let current = try #require(try scenario.cacheEntry())
        #expect(current.der != previous.der)
        #expect(try daemon.stapledResponse(serverName: scenario.leaf.name) == current.der)
    }

    /// The `OCSP fetch failed` line names the fault's check and reason, and says what became of
    /// the staple.
    private func expect(
        _ failure: LogLine, reports fault: FetchFault, _ scenario: FaultScenario, staple: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(failure.level == "warning", "\(failure)", sourceLocation: sourceLocation)
        #expect(failure["check"] == fault.check, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure["reason"]?.contains(fault.reason) == true, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure["result"] == "failed", "\(failure)", sourceLocation: sourceLocation)
        #expect(failure["url"] == scenario.responder.url, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure["staple"] == staple, "\(failure)", sourceLocation: sourceLocation)
        for (key, value) in fault.fields {
            #expect(failure[key] == value, "\(failure)", sourceLocation: sourceLocation)
        }
        if let bounds = fault.latency {
            let latency = failure["latency_ms"].flatMap { Int($0) } ?? -1
            #expect(bounds.contains(latency), "\(failure)", sourceLocation: sourceLocation)
        }
        if let mode = fault.mode {
            // The fault was served: the request reached the responder in that mode.
            let requests = scenario.responder.requests
            #expect(
                requests.contains { $0.hasPrefix("mode=\(mode) ") }, "\(requests)", sourceLocation: sourceLocation)
        }
    }

    /// The failure's `next_refresh` is the first backoff: in [retry_base, 3 × retry_base) after the
    /// failure, which happened between `startedAt` and now.
    private func expectFirstBackoff(
        _ failure: LogLine, after startedAt: Int64, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let next = NextRefresh(failure["next_refresh"]) else {
            Issue.record("no next_refresh in \(failure)", sourceLocation: sourceLocation)
            return
        }
        #expect(next.reason == "backoff", "\(failure)", sourceLocation: sourceLocation)
        #expect(next.at >= startedAt + Self.retryBase, "\(failure)", sourceLocation: sourceLocation)
        #expect(next.at < UTCTimestamp.now + 3 * Self.retryBase, "\(failure)", sourceLocation: sourceLocation)
    }
}
