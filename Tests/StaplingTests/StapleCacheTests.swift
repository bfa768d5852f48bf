import Foundation
import Stapling
import TLS
import TestSupport
import Testing

@Suite("StapleCache")
struct StapleCacheTests {
    /// A verified response for `leaf` and its metadata as the fetcher would record it.
    private func verified(
        _ fixture: StaplingFixture, _ leaf: TestLeaf
    ) throws -> (VerifiedOCSPResponse, StapleMetadata) {
        let der = try fixture.cliResponse(for: leaf, signer: fixture.issuerSigner)
        let response = try fixture.verify(der, for: leaf).get()
        let metadata = StapleMetadata(
            response: response, subject: leaf.subject, url: StaplingFixture.ocspURL, fetchedAt: 1_800_000_000,
            httpStatus: 200)
        return (response, metadata)
    }

    @Test("the directory is created with its parents, mode 0700")
    func createsDirectory() throws {
        let temporary = try TemporaryDirectory(prefix: "cache")
        let path = temporary.file("var/lib/stapled/ocsp")
        let cache = try StapleCache(directory: path)
        #expect(cache.directory == path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(attributes[.type] as? FileAttributeType == .typeDirectory)
        _ = try StapleCache(directory: path)
    }

    @Test("a directory that cannot be created is reported: directoryUnusable")
    func unusableDirectory() throws {
        let temporary = try TemporaryDirectory(prefix: "cache")
        let file = try temporary.write("not a directory", to: "file")
        do {
            _ = try StapleCache(directory: file + "/ocsp")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .directoryUnusable)
            #expect(error.path == file + "/ocsp")
            #expect(error.description.contains("Not a directory"))
        }
        #expect(throws: StapleCacheError.self) { try StapleCache(directory: file) }
    }

    @Test("store then load returns the same bytes and metadata, and the bytes verify again")
    func roundTrip() throws {
        let fixture = try StaplingFixture.shared()
        let temporary = try TemporaryDirectory(prefix: "cache")
        let cache = try StapleCache(directory: temporary.path)
        let (response, metadata) = try verified(fixture, fixture.ecdsaLeaf)
        try cache.store(response, metadata: metadata)

        let loaded = try cache.load(certID: response.certID).get()
        #expect(loaded.der == response.der)
        #expect(loaded.path == cache.derPath(for: response.certID))
        #expect(loaded.metadata == metadata)
        #expect(loaded.metadata.url == StaplingFixture.ocspURL)
        #expect(loaded.metadata.fetchedAt == 1_800_000_000)
        #expect(loaded.metadata.httpStatus == 200)
        #expect(loaded.metadata.thisUpdate == response.thisUpdate)
        #expect(loaded.metadata.nextUpdate == response.nextUpdate)
        #expect(loaded.metadata.certStatus == "good")
        #expect(loaded.metadata.subject == fixture.ecdsaLeaf.subject)
        #expect(loaded.metadata.serial == fixture.ecdsaLeaf.serial)

        let again = try fixture.verify(loaded.der, for: fixture.ecdsaLeaf).get()
        #expect(again.thisUpdate == response.thisUpdate)

        let names = try FileManager.default.contentsOfDirectory(atPath: temporary.path).sorted()
        #expect(names == ["\(response.certID.key).der", "\(response.certID.key).meta"])
        let sidecar = try String(contentsOfFile: cache.metadataPath(for: response.certID), encoding: .utf8)
        #expect(sidecar.contains("certStatus=good\n"))
        #expect(sidecar.contains("url=\(StaplingFixture.ocspURL)\n"))
        #expect(sidecar.contains("fetchedAt=2027-01-15T08:00:00Z\n"))
        #expect(sidecar.contains("httpStatus=200\n"))
    }

    @Test("a revoked staple is stored as revoked; a newer store replaces the older")
    func revokedAndReplace() throws {
        let fixture = try StaplingFixture.shared()
        let temporary = try TemporaryDirectory(prefix: "cache")
        let cache = try StapleCache(directory: temporary.path)
        let (revoked, metadata) = try verified(fixture, fixture.revokedLeaf)
        try cache.store(revoked, metadata: metadata)
        #expect(try cache.load(certID: revoked.certID).get().metadata.certStatus == "revoked")

        let (newer, newerMetadata) = try verified(fixture, fixture.revokedLeaf)
        try cache.store(newer, metadata: newerMetadata)
        #expect(try cache.load(certID: revoked.certID).get().der == newer.der)
    }

    @Test("nothing cached: missing")
    func missing() throws {
        let fixture = try StaplingFixture.shared()
        let temporary = try TemporaryDirectory(prefix: "cache")
        let cache = try StapleCache(directory: temporary.path)
        let certID = try OCSPCertID(leaf: try fixture.certificate(fixture.ecdsaLeaf), issuer: fixture.issuer)
        #expect(cache.load(certID: certID).failure == .missing(path: cache.derPath(for: certID)))
    }

    @Test("a DER file shorter than recorded: truncated")
    func truncated() throws {
        let fixture = try StaplingFixture.shared()
        let temporary = try TemporaryDirectory(prefix: "cache")
        let cache = try StapleCache(directory: temporary.path)
        let (response, metadata) = try verified(fixture, fixture.ecdsaLeaf)
        try cache.store(response, metadata: metadata)
        let path = cache.derPath(for: response.certID)
        try Data(response.der.prefix(100)).write(to: URL(fileURLWithPath: path))

        let problem = cache.load(certID: response.certID).failure
        #expect(problem == .truncated(path: path, expected: response.der.count, actual: 100))
        #expect(problem?.name == "truncated")
    }

    @Test("a DER file of the right length but other bytes: corrupt")
    func corrupt() throws {
        let fixture = try StaplingFixture.shared()
        let temporary = try TemporaryDirectory(prefix: "cache")
        let cache = try StapleCache(directory: temporary.path)
        let (response, metadata) = try verified(fixture, fixture.ecdsaLeaf)
        try cache.store(response, metadata: metadata)
        var bytes = response.der
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: cache.derPath(for: response.certID)))
        #expect(cache.load(certID: response.certID).failure?.name == "corrupt")
    }

    @Test("a missing or garbled sidecar: metadataMissing, metadataInvalid")
    func badMetadata() throws {
        let fixture = try StaplingFixture.shared()
        let temporary = try TemporaryDirectory(prefix: "cache")
        let cache = try StapleCache(directory: temporary.path)
        let (response, metadata) = try verified(fixture, fixture.ecdsaLeaf)
        try cache.store(response, metadata: metadata)
        let sidecar = cache.metadataPath(for: response.certID)

        try "version=1\nthisUpdate=yesterday\n".write(toFile: sidecar, atomically: true, encoding: .utf8)
        #expect(cache.load(certID: response.certID).failure?.name == "metadataInvalid")
        try "garbage".write(toFile: sidecar, atomically: true, encoding: .utf8)
        #expect(cache.load(certID: response.certID).failure?.name == "metadataInvalid")
        try FileManager.default.removeItem(atPath: sidecar)
        #expect(cache.load(certID: response.certID).failure == .metadataMissing(path: sidecar))
    }

    @Test("another certificate's staple under this certificate's name loads, and fails verification")
    func otherCertificatesFile() throws {
        let fixture = try StaplingFixture.shared()
        let temporary = try TemporaryDirectory(prefix: "cache")
        let cache = try StapleCache(directory: temporary.path)
        let (rsaResponse, rsaMetadata) = try verified(fixture, fixture.rsaLeaf)
        try cache.store(rsaResponse, metadata: rsaMetadata)
        let ecdsaID = try OCSPCertID(leaf: try fixture.certificate(fixture.ecdsaLeaf), issuer: fixture.issuer)
        try FileManager.default.moveItem(
            atPath: cache.derPath(for: rsaResponse.certID), toPath: cache.derPath(for: ecdsaID))
        try FileManager.default.moveItem(
            atPath: cache.metadataPath(for: rsaResponse.certID), toPath: cache.metadataPath(for: ecdsaID))

        let loaded = try cache.load(certID: ecdsaID).get()
        #expect(try fixture.verify(loaded.der, for: fixture.ecdsaLeaf).failure?.name == "certIDNotFound")
    }

    @Test("remove deletes both files; removing again is fine")
    func remove() throws {
        let fixture = try StaplingFixture.shared()
        let temporary = try TemporaryDirectory(prefix: "cache")
        let cache = try StapleCache(directory: temporary.path)
        let (response, metadata) = try verified(fixture, fixture.ecdsaLeaf)
        try cache.store(response, metadata: metadata)
        try cache.remove(certID: response.certID)
        #expect(cache.load(certID: response.certID).failure?.name == "missing")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
        try cache.remove(certID: response.certID)
    }
}

extension Result where Failure == StapleCacheProblem {
    var failure: StapleCacheProblem? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
