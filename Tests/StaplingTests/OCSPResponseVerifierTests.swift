import Stapling
import TLS
import TestSupport
import Testing

@Suite("OCSPResponseVerifier: statuses, structure, CertID and times")
struct OCSPResponseVerifierTests {
    @Test("a good response signed by the issuer passes", arguments: ["ecdsa", "rsa"])
    func goodFromIssuer(kind: String) throws {
        let fixture = try StaplingFixture.shared()
        let leaf = kind == "rsa" ? fixture.rsaLeaf : fixture.ecdsaLeaf
        let before = StaplingFixture.now()
        let der = try fixture.cliResponse(for: leaf, signer: fixture.issuerSigner)
        let verified = try fixture.verify(der, for: leaf).get()

        #expect(verified.certStatus == .good)
        #expect(verified.signer == .issuer)
        #expect(verified.responderID == .name(fixture.pki.intermediate.subject))
        #expect(verified.der == der)
        #expect(verified.certID == (try OCSPCertID(leaf: try fixture.certificate(leaf), issuer: fixture.issuer)))
        #expect(verified.thisUpdate >= before - 5 && verified.thisUpdate <= StaplingFixture.now())
        #expect(verified.nextUpdate == verified.thisUpdate + 86_400)
        #expect(verified.validUntil == verified.nextUpdate)
        #expect(verified.producedAt >= before - 5)
        #expect(verified.isValid(at: verified.thisUpdate))
        #expect(!verified.isValid(at: verified.validUntil))
    }

    @Test("a responder ID by key hash is read and accepted")
    func responderByKey() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.issuerSigner, arguments: ["-ndays", "1", "-resp_key_id"])
        let verified = try fixture.verify(der, for: fixture.ecdsaLeaf).get()
        let keyHash = StaplingFixture.keyHash(of: fixture.issuer).map {
            ($0 < 16 ? "0" : "") + String($0, radix: 16)
        }.joined()
        #expect(verified.responderID == .keyHash(keyHash))
        #expect(verified.signer == .issuer)
    }

    @Test("-nmin: nextUpdate is minutes after thisUpdate")
    func shortValidity() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.issuerSigner, arguments: ["-nmin", "5"])
        let verified = try fixture.verify(der, for: fixture.ecdsaLeaf).get()
        #expect(verified.nextUpdate == verified.thisUpdate + 300)
    }

    @Test("a revoked response passes, with its time and reason")
    func revoked() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(for: fixture.revokedLeaf, signer: fixture.issuerSigner)
        let verified = try fixture.verify(der, for: fixture.revokedLeaf).get()
        guard case .revoked(let time, let reason) = verified.certStatus else {
            Issue.record("expected revoked, got \(verified.certStatus)")
            return
        }
        #expect(reason == .keyCompromise)
        #expect(time <= StaplingFixture.now() && time > StaplingFixture.now() - 3_600)
        #expect(verified.certStatus.isRevoked)
        #expect(verified.certStatus.name == "revoked")
        #expect(verified.certStatus.description.contains("keyCompromise"))
    }

    @Test("unknown is rejected: statusUnknown")
    func unknown() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.issuerSigner, index: fixture.emptyIndexPath)
        #expect(try fixture.verify(der, for: fixture.ecdsaLeaf).failure == .statusUnknown)

        let built = try fixture.pki.makeOCSPResponse(for: fixture.ecdsaLeaf, status: .unknown)
        #expect(try fixture.verify(built, for: fixture.ecdsaLeaf).failure == .statusUnknown)
    }

    @Test(
        "an error responseStatus is named: responseStatus",
        arguments: [
            (OCSPErrorStatus.tryLater, OCSPResponseStatus.tryLater),
            (.internalError, .internalError),
            (.unauthorized, .unauthorized),
            (.malformedRequest, .malformedRequest),
            (.signatureRequired, .sigRequired),
        ])
    func responseStatus(wire: OCSPErrorStatus, expected: OCSPResponseStatus) throws {
        let fixture = try StaplingFixture.shared()
        let der = try TestPKI.makeOCSPErrorResponse(wire)
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect(failure == .responseStatus(expected))
        #expect(failure?.name == "responseStatus")
        #expect(failure?.description.contains(expected.description) == true)
    }

    @Test(
        "bytes that are not one whole OCSPResponse are malformed",
        arguments: ["empty", "garbage", "truncated", "trailing bytes"])
    func malformed(kind: String) throws {
        let fixture = try StaplingFixture.shared()
        let good = try fixture.cliResponse(for: fixture.ecdsaLeaf, signer: fixture.issuerSigner)
        let der: [UInt8] =
            switch kind {
            case "empty": []
            case "garbage": Array("HTTP/1.1 200 OK\r\n\r\n<html>".utf8)
            case "truncated": Array(good.prefix(good.count - 10))
            default: good + [0x00, 0x00]
            }
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect(failure?.name == "malformed")
        if kind == "trailing bytes" {
            #expect(failure == .malformed("2 bytes follow the end of the response"))
        }
    }

    @Test("successful without a basic response: notBasic")
    func notBasic() throws {
        let fixture = try StaplingFixture.shared()
        // OCSPResponse { successful, responseBytes { 1.2.3.4, OCTET STRING { NULL } } }
        let otherType: [UInt8] = [
            0x30, 0x10, 0x0A, 0x01, 0x00, 0xA0, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x2A, 0x03, 0x04, 0x04, 0x02, 0x05, 0x00,
        ]
        // OCSPResponse { successful } with no responseBytes at all.
        let noBytes: [UInt8] = [0x30, 0x03, 0x0A, 0x01, 0x00]
        #expect(try fixture.verify(otherType, for: fixture.ecdsaLeaf).failure == .notBasic)
        #expect(try fixture.verify(noBytes, for: fixture.ecdsaLeaf).failure == .notBasic)
    }

    @Test("a response for another serial: certIDNotFound, naming what it covers")
    func otherSerial() throws {
        let fixture = try StaplingFixture.shared()
        let forRSA = try fixture.cliResponse(for: fixture.rsaLeaf, signer: fixture.issuerSigner)
        let failure = try fixture.verify(forRSA, for: fixture.ecdsaLeaf).failure
        guard case .certIDNotFound(let expected, let found) = failure else {
            Issue.record("expected certIDNotFound, got \(String(describing: failure))")
            return
        }
        #expect(expected.serial == fixture.ecdsaLeaf.serial)
        #expect(found.count == 1)
        #expect(found.first?.contains(fixture.rsaLeaf.serial) == true)
    }

    @Test("the right serial under another issuer's hashes: certIDNotFound")
    func otherIssuerHashes() throws {
        let fixture = try StaplingFixture.shared()
        // The CertID carries the root's name and key hashes with the leaf's serial; the
        // intermediate signs it, so only the CertID comparison can catch it.
        let der = try fixture.cliResponse(
            for: fixture.ecdsaLeaf, signer: fixture.issuerSigner, requestIssuer: fixture.root,
            caPath: fixture.pki.root.certificatePath)
        let failure = try fixture.verify(der, for: fixture.ecdsaLeaf).failure
        #expect(failure?.name == "certIDNotFound")
    }

    @Test("thisUpdate beyond the clock skew: thisUpdateInFuture; within it passes")
    func thisUpdateInFuture() throws {
        let fixture = try StaplingFixture.shared()
        let settings = VerificationSettings(maxClockSkew: 300)
        let ahead = try fixture.pki.makeOCSPResponse(
            for: fixture.ecdsaLeaf, thisUpdate: .seconds(900), nextUpdate: .seconds(7_200))
        let failure = try fixture.verify(ahead, for: fixture.ecdsaLeaf, settings: settings).failure
        guard case .thisUpdateInFuture(_, _, let skew) = failure else {
            Issue.record("expected thisUpdateInFuture, got \(String(describing: failure))")
            return
        }
        #expect(skew == 300)

        let slightlyAhead = try fixture.pki.makeOCSPResponse(
            for: fixture.ecdsaLeaf, thisUpdate: .seconds(100), nextUpdate: .seconds(7_200))
        #expect(throws: Never.self) {
            try fixture.verify(slightlyAhead, for: fixture.ecdsaLeaf, settings: settings).get()
        }
    }

    @Test("nextUpdate in the past: expired")
    func expired() throws {
        let fixture = try StaplingFixture.shared()
        let old = try fixture.pki.makeOCSPResponse(
            for: fixture.ecdsaLeaf, thisUpdate: .seconds(-7_200), nextUpdate: .seconds(-60))
        #expect(try fixture.verify(old, for: fixture.ecdsaLeaf).failure?.name == "expired")

        // The same good response from the command line, checked two days later.
        let oneDay = try fixture.cliResponse(for: fixture.ecdsaLeaf, signer: fixture.issuerSigner)
        let later = StaplingFixture.now() + 2 * 86_400
        let failure = try fixture.verify(oneDay, for: fixture.ecdsaLeaf, now: later).failure
        guard case .expired(let nextUpdate, let now) = failure else {
            Issue.record("expected expired, got \(String(describing: failure))")
            return
        }
        #expect(now == later)
        #expect(nextUpdate < later)
    }

    @Test("no nextUpdate: accepted for the maximum age, with validUntil thisUpdate + maximum age")
    func noNextUpdateYoung() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.pki.makeOCSPResponse(
            for: fixture.ecdsaLeaf, thisUpdate: .seconds(-600), nextUpdate: nil)
        let settings = VerificationSettings(maxAgeWithoutNextUpdate: 3_600)
        let verified = try fixture.verify(der, for: fixture.ecdsaLeaf, settings: settings).get()
        #expect(verified.nextUpdate == nil)
        #expect(verified.validUntil == verified.thisUpdate + 3_600)
    }

    @Test("no nextUpdate and older than the maximum age: noNextUpdateTooOld")
    func noNextUpdateTooOld() throws {
        let fixture = try StaplingFixture.shared()
        let der = try fixture.pki.makeOCSPResponse(
            for: fixture.ecdsaLeaf, thisUpdate: .seconds(-7_200), nextUpdate: nil)
        let failure = try fixture.verify(
            der, for: fixture.ecdsaLeaf, settings: VerificationSettings(maxAgeWithoutNextUpdate: 3_600)
        ).failure
        guard case .noNextUpdateTooOld(_, _, let maxAge) = failure else {
            Issue.record("expected noNextUpdateTooOld, got \(String(describing: failure))")
            return
        }
        #expect(maxAge == 3_600)
    }

    @Test("no rollback: only a response with a thisUpdate at least as new may replace another")
    func noRollback() throws {
        let fixture = try StaplingFixture.shared()
        let older = try fixture.verify(
            try fixture.pki.makeOCSPResponse(for: fixture.ecdsaLeaf, thisUpdate: .seconds(-3_600)),
            for: fixture.ecdsaLeaf
        ).get()
        let newer = try fixture.verify(
            try fixture.pki.makeOCSPResponse(for: fixture.ecdsaLeaf, thisUpdate: .seconds(-60)), for: fixture.ecdsaLeaf
        ).get()
        #expect(newer.isFresher(than: older))
        #expect(!older.isFresher(than: newer))
        #expect(!newer.isFresher(than: newer))
        #expect(newer.mayReplace(older))
        #expect(newer.mayReplace(newer))
        #expect(!older.mayReplace(newer))
        #expect(older.mayReplace(nil))
    }

    @Test("every failure has a stable name and a sentence that says what failed")
    func descriptions() throws {
        let fixture = try StaplingFixture.shared()
        let certID = try OCSPCertID(leaf: try fixture.certificate(fixture.ecdsaLeaf), issuer: fixture.issuer)
        let cases: [(OCSPVerificationFailure, String, String)] = [
            (.malformed("x"), "malformed", "malformed"),
            (.responseStatus(.tryLater), "responseStatus", "tryLater (3)"),
            (.notBasic, "notBasic", "not a basic"),
            (.signatureInvalid("x"), "signatureInvalid", "signature"),
            (.signerNotAuthorized(.missingOCSPSigningUsage(signer: "/CN=R")), "signerNotAuthorized", "OCSPSigning"),
            (.certIDNotFound(expected: certID, found: []), "certIDNotFound", certID.serial),
            (.thisUpdateInFuture(thisUpdate: 1_000, now: 0, maxClockSkew: 300), "thisUpdateInFuture", "1000 s"),
            (.expired(nextUpdate: 0, now: 10), "expired", "10 s in the past"),
            (.noNextUpdateTooOld(thisUpdate: 0, now: 7_200, maxAge: 3_600), "noNextUpdateTooOld", "3600 s"),
            (.statusUnknown, "statusUnknown", "unknown"),
            (.internalError("x"), "internalError", "OpenSSL"),
        ]
        for (failure, name, phrase) in cases {
            #expect(failure.name == name)
            #expect(failure.description.contains(phrase), "\(failure.description)")
        }
    }
}
