import Foundation
import TestSupport
import Testing

extension StaplingIntegration {
    @Suite("Warm cache", .serialized)
    struct WarmCacheTests {
        @Test("After a restart with a warm cache and the responder down, the first handshake is stapled")
        func restartWithWarmCacheAndResponderDown() throws {
            let world = try StaplingWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            let leaf = try world.pki.makeLeaf(name: "localhost", ocspURL: responder.url)
            try responder.reloadIndex()
            let config = world.config([.init(leaf)])

            // First run: fetched from the responder and written to the cache.
            let firstRun = try world.startDaemon(config)
            let fetched = try #require(
                try world.handshake(port: try firstRun.port()).stapledOCSPResponse, "no staple\n\(firstRun.tail)")
            #expect(try firstRun.stop() == 0, "\(firstRun.tail)")
            let cached = try FileManager.default.contentsOfDirectory(atPath: world.cacheDirectory)
            #expect(cached.filter { $0.hasSuffix(".der") }.count == 1, "\(cached)")
            #expect(cached.filter { $0.hasSuffix(".meta") }.count == 1, "\(cached)")

            // The responder goes away; nothing can be fetched any more.
            responder.stop()
            let requestsBefore = responder.requestCount

            // stapled -t reports the cached staple (verified again, not just present).
            let check = try world.check(config)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            let cacheLine = check.stdout.split(separator: "\n").first { $0.contains("cached staple:") }
            #expect(cacheLine?.contains("cached staple: valid until ") == true, "\(check.stdout)")
            #expect(cacheLine?.contains("good") == true, "\(check.stdout)")

            // Second run: the first handshake carries the cached staple, byte for byte.
            let secondRun = try world.startDaemon(config)
            defer { _ = try? secondRun.stop() }
            let first = try world.handshake(port: try secondRun.port())
            let staple = try #require(first.stapledOCSPResponse, "no staple after restart\n\(secondRun.tail)")
            #expect(staple == fetched)
            let report = try world.inspect(staple, for: leaf)
            #expect(report.signatureVerified && report.leafStatus == "good", "\(report)")
            #expect(report.serial == leaf.serial, "\(report)")
            #expect(
                !secondRun.lines(containing: "notice stapling: 1 certificate: 1 stapled").isEmpty, "\(secondRun.tail)")
            // Loaded from the cache, not fetched: the cached staple is far from its refresh point.
            #expect(secondRun.lines(containing: "OCSP fetch").isEmpty, "\(secondRun.tail)")
            #expect(responder.requestCount == requestsBefore)

            let curl = try ExternalClients.curlCertStatus(
                port: try secondRun.port(), caFile: world.pki.rootCertificatePath)
            #expect(curl.status == 0, "curl: \(curl.stderr)")
        }
    }
}
