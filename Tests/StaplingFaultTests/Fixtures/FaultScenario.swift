import Foundation
import TestSupport

/// One certificate under test: a leaf whose AIA OCSP URL is its own fault responder, a cache
/// directory, and the config that serves the leaf through the real daemon. Each test builds its
/// own, so tests share nothing but the PKI and run in parallel.
final class FaultScenario {
    let fixture: FaultFixture
    let responder: FaultResponder
    let leaf: TestLeaf
    /// Holds the config file and the cache directory.
    let directory: TemporaryDirectory
    /// Extra `stapling { }` directives of every config this scenario writes.
    let stapling: [String]

    var cacheDirectory: String { directory.file("cache") }
    var configPath: String { directory.file("stapled.conf") }

    /// - Parameters:
    ///   - name: unique among tests; the leaf is issued for `<name>.faults.test`.
    ///   - stapling: extra `stapling { }` directives, e.g. `max_response_size 16k`.
    ///   - mode: the responder's mode to start with.
    init(_ name: String, stapling: [String] = [], mode: String = "good") throws {
        fixture = try FaultFixture.shared()
        responder = try FaultResponder(mode: mode)
        leaf = try fixture.pki.makeLeaf(name: "\(name).faults.test", ocspURL: responder.url)
        directory = try TemporaryDirectory(prefix: "faults-\(name)")
        self.stapling = stapling
    }

    /// Another leaf of the same PKI, answered by the same responder.
    func makeOtherLeaf(_ name: String) throws -> TestLeaf {
        try fixture.pki.makeLeaf(name: "\(name).faults.test", ocspURL: responder.url)
    }

    /// The config: `stapling { cache_dir; startup_wait 5s; fetch_timeout 2s; connect_timeout 1s; }`
    /// plus `stapling` and `extra`, and one frontend on `127.0.0.1:0` serving `leaves` (default: the
    /// scenario's leaf).
    func config(extra: [String] = [], leaves: [TestLeaf]? = nil) -> String {
        let directives =
            [
                "cache_dir \"\(cacheDirectory)\"", "startup_wait 5s", "fetch_timeout 2s", "connect_timeout 1s",
            ] + stapling + extra
        let certificates = (leaves ?? [leaf]).map { "    certificate \"\($0.chainPath)\" \"\($0.keyPath)\";" }
        return """
            workers 1;
            shutdown_timeout 1s;
            stapling {
            \(directives.map { "    \($0);" }.joined(separator: "\n"))
            }
            upstream app {
                server 127.0.0.1:\(fixture.upstream.port);
            }
            frontend web {
                listen 127.0.0.1:0;
                upstream app;
            \(certificates.joined(separator: "\n"))
            }

            """
    }

    /// Writes the config and starts the daemon; returns once it logged `notice ready`.
    func startDaemon(extra: [String] = [], leaves: [TestLeaf]? = nil) throws -> FaultDaemon {
        try config(extra: extra, leaves: leaves).write(toFile: configPath, atomically: true, encoding: .utf8)
        return try FaultDaemon(configPath: configPath)
    }

    /// Phase 1 of a warm-cache test: runs the daemon once with the responder in `mode` (by default
    /// `old-thisupdate`: a good response from two days ago, valid for one more day, so that at the
    /// next start the cached staple is past its refresh point and is refreshed at once), checks
    /// that it was fetched and cached, stops the daemon and returns the cached staple.
    func primeCache(mode: String = "old-thisupdate") throws -> CacheEntry {
        try responder.setMode(mode)
        let daemon = try startDaemon()
        let fetched = try daemon.waitForLine(containing: " result=ok")
        try daemon.stop()
        guard fetched.message == "OCSP fetch", let entry = try cacheEntry() else {
            throw TestSupportError(
                .protocolViolation, "primeCache(\(mode))", "no staple fetched and cached; log:\n\(daemon.log)")
        }
        return entry
    }

    /// The cached staple of `leaf` (default: the scenario's), or nil when there is none.
    func cacheEntry(for leaf: TestLeaf? = nil) throws -> CacheEntry? {
        let name = (leaf ?? self.leaf).name
        return try cacheEntries().first { $0.metadata["subject"]?.hasSuffix("CN=\(name)") == true }
    }

    /// Every `<key>.der` + `<key>.meta` pair in the cache directory.
    func cacheEntries() throws -> [CacheEntry] {
        guard FileManager.default.fileExists(atPath: cacheDirectory) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: cacheDirectory).sorted()
            .filter { $0.hasSuffix(".der") }
            .map { try CacheEntry(derPath: "\(cacheDirectory)/\($0)") }
    }
}

/// One cached staple: the DER file and its `key=value` sidecar.
struct CacheEntry {
    let derPath: String
    let metadataPath: String
    let der: [UInt8]
    let metadata: [String: String]

    init(derPath: String) throws {
        self.derPath = derPath
        metadataPath = String(derPath.dropLast(".der".count)) + ".meta"
        der = [UInt8](try Data(contentsOf: URL(fileURLWithPath: derPath)))
        var metadata: [String: String] = [:]
        for line in try String(contentsOfFile: metadataPath, encoding: .utf8).split(separator: "\n")
        where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            metadata[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        self.metadata = metadata
    }
}
