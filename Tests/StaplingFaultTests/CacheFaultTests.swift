import Foundation
import TestSupport
import Testing

/// A cached staple that cannot be used is reported at start (`ignoring cached staple check=...`)
/// and replaced by a fresh fetch from the (good) responder.
@Suite("Cache faults")
struct CacheFaultTests {
    @Test("a truncated cache file is ignored (check=truncated) and a fresh staple fetched")
    func truncatedCacheFileIsIgnored() throws {
        let scenario = try FaultScenario("cache-truncated")
        let previous = try scenario.primeCache(mode: "good")
        try Data(previous.der.dropLast(10)).write(to: URL(fileURLWithPath: previous.derPath))

        let daemon = try scenario.startDaemon()
        let ignored = try #require(daemon.lines("ignoring cached staple").first, "\(daemon.log)")
        #expect(ignored.level == "warning", "\(ignored)")
        #expect(ignored["check"] == "truncated", "\(ignored)")
        let size = previous.der.count
        #expect(ignored["reason"] == "\(previous.derPath): truncated: \(size - 10) of \(size) bytes", "\(ignored)")
        try expectFreshStaple(daemon, scenario)
    }

    @Test("another certificate's cache files under this certificate's name are ignored (check=certIDNotFound)")
    func foreignCacheFileIsIgnored() throws {
        let scenario = try FaultScenario("cache-foreign")
        let other = try scenario.makeOtherLeaf("cache-foreign-other")
        let first = try scenario.startDaemon(leaves: [scenario.leaf, other])
        try first.waitForLine(containing: "CN=\(other.name)\" http_status=200")
        try first.waitForLine(containing: "CN=\(scenario.leaf.name)\" http_status=200")
        #expect(first.lines("OCSP fetch").filter { $0["result"] == "ok" }.count == 2, "\(first.log)")
        try first.stop()
        let own = try #require(try scenario.cacheEntry())
        let foreign = try #require(try scenario.cacheEntry(for: other))
        #expect(own.derPath != foreign.derPath)
        // A consistent pair (the sidecar vouches for the DER), just not this certificate's.
        for (source, target) in [(foreign.derPath, own.derPath), (foreign.metadataPath, own.metadataPath)] {
            try FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: source, toPath: target)
        }

        let daemon = try scenario.startDaemon()
        let ignored = try #require(daemon.lines("ignoring cached staple").first, "\(daemon.log)")
        #expect(ignored.level == "warning", "\(ignored)")
        #expect(ignored["check"] == "certIDNotFound", "\(ignored)")
        #expect(ignored["file"] == own.derPath, "\(ignored)")
        #expect(ignored["reason"]?.contains("the response has no status for") == true, "\(ignored)")
        try expectFreshStaple(daemon, scenario)
        #expect(try daemon.stapledResponse(serverName: scenario.leaf.name) != foreign.der)
    }

    /// The daemon fetched once at start, stapled that response and cached it whole.
    private func expectFreshStaple(
        _ daemon: FaultDaemon, _ scenario: FaultScenario, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try daemon.waitForLine(containing: " result=ok")
        let fetched = daemon.lines("OCSP fetch")
        #expect(fetched.count == 1 && fetched.first?["result"] == "ok", "\(daemon.log)", sourceLocation: sourceLocation)
        #expect(daemon.lines("OCSP fetch failed").isEmpty, "\(daemon.log)", sourceLocation: sourceLocation)
        #expect(
            daemon.lines.contains { $0.message == "stapling: 1 certificate: 1 stapled" }, "\(daemon.log)",
            sourceLocation: sourceLocation)
        let cached = try #require(try scenario.cacheEntry(), sourceLocation: sourceLocation)
        #expect(cached.metadata["derLength"] == String(cached.der.count), sourceLocation: sourceLocation)
        let staple = try daemon.stapledResponse(serverName: scenario.leaf.name)
        #expect(staple == cached.der, sourceLocation: sourceLocation)
        #expect(try StapleFacts(der: cached.der).certStatus == "good", sourceLocation: sourceLocation)
    }
}
