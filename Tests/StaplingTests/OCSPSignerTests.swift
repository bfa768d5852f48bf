import Stapling
import TLS
import TestSupport
import Testing

/// Who may sign: the issuer, or a delegated responder it issued with id-kp-OCSPSigning that is
/// valid now and included in the response. Nothing else, whatever the responder ID claims.
@Suite("OCSPResponseVerifier: the signer")
struct OCSPSignerTests {
    @Test("a delegated responder issued by the issuer with OCSPSigning passes")
    func delegated() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(for: fixture.ecdsaLeaf, signer: fixture.delegated)
        let verified = try fixture.verify(der, for: fixture.ecdsaLeaf).get()
        #expect(verified.signer == .delegated(subject: "/CN=stapled Test OCSP Responder"))
        #expect(verified.certStatus == .good)
    }

    @Test("a delegated responder without the OCSPSigning EKU: signerNotAuthorized(missingOCSPSigningUsage)")
    func withoutEKU() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(for: fixture.ecdsaLeaf, signer: fixture.withoutOCSPSigningEKU)
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect(
            failure == .signerNotAuthorized(.missingOCSPSigningUsage(signer: "/CN=stapled Test Responder Without EKU")))
    }

    @Test("a responder with OCSPSigning issued by another CA: signerNotAuthorized(notIssuedByIssuer)")
    func issuedByRoot() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(for: fixture.ecdsaLeaf, signer: fixture.issuedByRoot)
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect(
            failure
                == .signerNotAuthorized(
                    .notIssuedByIssuer(signer: "/CN=Responder Issued By The Root", issuer: fixture.issuer.subject)))
    }

    @Test("an expired delegated responder: signerNotAuthorized(delegateExpired)")
    func expiredDelegate() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(for: fixture.ecdsaLeaf, signer: fixture.expiredDelegate)
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        guard case .signerNotAuthorized(.delegateExpired(_, let notAfter)) = failure else {
            Issue.record("expected delegateExpired, got \(String(describing: failure))")
            return
        }
        #expect(notAfter < StaplingFixture.now())
    }

    @Test("a delegated responder checked after its notAfter: delegateExpired")
    func delegateExpiresLater() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.delegated, arguments: ["-ndays", "800"])
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf, now: StaplingFixture.now() + 400 * 86_400).failure
        #expect({ if case .signerNotAuthorized(.delegateExpired) = failure { true } else { false } }())
    }

    @Test("an unrelated self-signed signer with OCSPSigning, included: notIssuedByIssuer")
    func unrelatedIncluded() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(for: fixture.ecdsaLeaf, signer: fixture.unrelated)
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect(
            failure
                == .signerNotAuthorized(
                    .notIssuedByIssuer(signer: "/CN=Unrelated OCSP Signer", issuer: fixture.issuer.subject)))
    }

    @Test("an unrelated signer, not included: signerNotAuthorized(unknownResponder)")
    func unrelatedNotIncluded() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.unrelated, arguments: ["-ndays", "1", "-resp_no_certs"])
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect(failure == .signerNotAuthorized(.unknownResponder(.name("/CN=Unrelated OCSP Signer"))))
        #expect(failure?.description.contains("neither the issuer nor a certificate included") == true)
    }

    @Test("a delegated responder that leaves its certificate out: unknownResponder")
    func delegatedNotIncluded() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.delegated, arguments: ["-ndays", "1", "-resp_no_certs"])
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect(failure == .signerNotAuthorized(.unknownResponder(.name("/CN=stapled Test OCSP Responder"))))
    }

    @Test("a tampered signature: signatureInvalid")
    func tamperedSignature() throws {
        let fixture = try StaplingFixture.shared()
        var der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.issuerSigner, arguments: ["-ndays", "1", "-resp_no_certs"])
        // Without certificates the DER ends with the signature's last byte.
        der[der.count - 1] ^= 0x01
        #expect(try fixture.verify(der, for: fixture.ecdsaLeaf).failure?.name == "signatureInvalid")
    }

    @Test("a key claiming the issuer's name (a twin certificate included): signatureInvalid")
    func twinByName() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(for: fixture.ecdsaLeaf, signer: fixture.issuerNameTwin)
        #expect(try fixture.verify(der, for: fixture.ecdsaLeaf).failure?.name == "signatureInvalid")
    }

    @Test("the twin named by its own key hash: notIssuedByIssuer")
    func twinByKey() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.issuerNameTwin, arguments: ["-ndays", "1", "-resp_key_id"])
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect({ if case .signerNotAuthorized(.notIssuedByIssuer) = failure { true } else { false } }())
    }

    @Test("an unrelated key whose responder ID is the issuer's key hash: signatureInvalid")
    func unrelatedClaimingIssuerKey() throws {
        let fixture = try StaplingFixture.shared()
        var der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.unrelated,
            arguments: ["-ndays", "1", "-resp_key_id", "-resp_no_certs"])
        let unrelatedHash = StaplingFixture.keyHash(
            of: try StaplingFixture.certificate(at: fixture.unrelated.certificatePath))
        let issuerHash = StaplingFixture.keyHash(of: fixture.issuer)
        let start = try #require(
            (0...(der.count - unrelatedHash.count)).first {
                Array(der[$0..<($0 + unrelatedHash.count)]) == unrelatedHash
            })
        der.replaceSubrange(start..<(start + issuerHash.count), with: issuerHash)
        #expect(try fixture.verify(der, for: fixture.ecdsaLeaf).failure?.name == "signatureInvalid")
    }
}
