import Stapling
import TLS
import TestSupport
import Testing

@Suite("StaplingFacts")
struct StaplingFactsTests {
    @Test("a certificate with an OCSP URL and its issuer in the chain file is applicable")
    func applicable() throws {
        let fixture = try StaplingFixture.shared()
        let leaf = fixture.ecdsaLeaf
        let served = try ServedCertificate.load(chainPath: leaf.chainPath, keyPath: leaf.keyPath)
        let facts = StaplingFacts(for: served)
        #expect(facts.applicability == .applicable)
        #expect(facts.issuer == .found(subject: fixture.pki.intermediate.subject, file: leaf.chainPath))
        #expect(facts.certID == (try OCSPCertID(leaf: served.leaf, issuer: fixture.issuer)))
        #expect(facts.ocspURLs == [StaplingFixture.ocspURL])
        #expect(!facts.mustStaple)
        #expect(facts.subject == leaf.subject)
    }

    @Test("Must-Staple is reported")
    func mustStaple() throws {
        let fixture = try StaplingFixture.shared()
        let leaf = fixture.mustStapleLeaf
        let facts = StaplingFacts(for: try ServedCertificate.load(chainPath: leaf.chainPath, keyPath: leaf.keyPath))
        #expect(facts.mustStaple)
        #expect(facts.applicability == .applicable)
    }

    @Test("no OCSP URL: not applicable, not an error; an override URL or a static staple makes it applicable")
    func noOCSPURL() throws {
        let fixture = try StaplingFixture.shared()
        let leaf = fixture.noOCSPURLLeaf
        let served = try ServedCertificate.load(chainPath: leaf.chainPath, keyPath: leaf.keyPath)
        #expect(StaplingFacts(for: served).applicability == .notApplicable("no OCSP URL"))
        let overridden = StaplingFacts(for: served, overrideURL: "http://ocsp.example/")
        #expect(overridden.applicability == .applicable)
        #expect(overridden.ocspURLs == ["http://ocsp.example/"])
        #expect(StaplingFacts(for: served, stapleFile: "/etc/stapled/x.der").applicability == .applicable)
    }

    @Test("stapling off: disabled")
    func disabled() throws {
        let fixture = try StaplingFixture.shared()
        let leaf = fixture.ecdsaLeaf
        let served = try ServedCertificate.load(chainPath: leaf.chainPath, keyPath: leaf.keyPath)
        #expect(StaplingFacts(for: served, enabled: false).applicability == .disabled)
    }

    @Test("a chain file without the issuer: missingIssuer, naming the file and the fix")
    func missingIssuer() throws {
        let fixture = try StaplingFixture.shared()
        let leaf = fixture.ecdsaLeaf
        let served = try ServedCertificate.load(chainPath: leaf.certificatePath, keyPath: leaf.keyPath)
        let facts = StaplingFacts(for: served)
        #expect(facts.applicability == .missingIssuer)
        #expect(facts.certID == nil)
        guard case .missing(let message) = facts.issuer else {
            Issue.record("expected a missing issuer, got \(facts.issuer)")
            return
        }
        #expect(message.hasPrefix("chain file \(leaf.certificatePath) has no issuer for \(leaf.subject)"))
        #expect(message.contains("add the intermediate"))
    }
}
