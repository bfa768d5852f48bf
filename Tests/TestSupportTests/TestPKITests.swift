import Foundation
import TestSupport
import Testing

@Suite("TestPKI", .serialized)
struct TestPKITests {
    @Test(arguments: TestKeyType.allCases)
    func leafVerifiesAgainstTheRootThroughTheIntermediate(keyType: TestKeyType) throws {
        let pki = try TestPKI()
        let leaf = try pki.makeLeaf(
            name: "localhost", keyType: keyType, sans: ["localhost", "127.0.0.1"], ocspURL: "http://127.0.0.1:9/",
            mustStaple: true)
        let verified = try ChildProcess.run([
            "openssl", "verify", "-CAfile", pki.rootCertificatePath, "-untrusted", leaf.chainPath, leaf.certificatePath,
        ])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains(": OK"))

        let text = try ChildProcess.runChecked([
            "openssl", "x509", "-in", leaf.chainPath, "-noout", "-serial", "-subject", "-ext",
            "subjectAltName,authorityInfoAccess,tlsfeature",
        ]).stdout
        #expect(text.contains("serial=\(leaf.serial)"))
        #expect(text.contains("CN = localhost"))
        #expect(text.contains("DNS:localhost, IP Address:127.0.0.1"))
        #expect(text.contains("OCSP - URI:http://127.0.0.1:9/"))
        #expect(text.contains("status_request"))
        #expect(pki.indexLines.contains { $0.hasPrefix("V\t") && $0.contains("\t\(leaf.serial)\t") })
    }

    @Test func leafWithoutOCSPURLOrMustStapleHasNeither() throws {
        let pki = try TestPKI()
        let leaf = try pki.makeLeaf(name: "plain.test")
        let text = try ChildProcess.runChecked([
            "openssl", "x509", "-in", leaf.certificatePath, "-noout", "-ext", "authorityInfoAccess,tlsfeature",
        ])
        #expect(!text.stdout.contains("OCSP"))
        #expect(!text.stdout.contains("status_request"))
    }

    @Test func expiredAndNotYetValidLeavesFailVerification() throws {
        let pki = try TestPKI()
        for (validity, message) in [
            (CertificateValidity.expired, "certificate has expired"),
            (.notYetValid, "certificate is not yet valid"),
        ] {
            let leaf = try pki.makeLeaf(name: "dated.test", validity: validity)
            let verified = try ChildProcess.run([
                "openssl", "verify", "-CAfile", pki.rootCertificatePath, "-untrusted", leaf.chainPath,
                leaf.certificatePath,
            ])
            #expect(verified.status != 0)
            #expect((verified.stdout + verified.stderr).contains(message))
        }
    }

    @Test func revokeMarksTheIndexEntry() throws {
        let pki = try TestPKI()
        let kept = try pki.makeLeaf(name: "kept.test")
        let revoked = try pki.makeLeaf(name: "revoked.test")
        try pki.revoke(revoked)
        #expect(pki.indexLines.contains { $0.hasPrefix("R\t") && $0.contains("\t\(revoked.serial)\t") })
        #expect(pki.indexLines.contains { $0.hasPrefix("V\t") && $0.contains("\t\(kept.serial)\t") })
    }

    @Test func responderCertificatesCarryTheRightExtendedKeyUsage() throws {
        let pki = try TestPKI()
        let delegated = try pki.makeOCSPResponder(delegated: true)
        let withoutEKU = try pki.makeDelegatedWithoutOCSPSigningEKU()
        let issuer = try pki.makeOCSPResponder(delegated: false)
        #expect(issuer.certificatePath == pki.intermediate.certificatePath)
        func extendedKeyUsage(_ signer: OCSPSigner) throws -> String {
            try ChildProcess.runChecked([
                "openssl", "x509", "-in", signer.certificatePath, "-noout", "-ext", "extendedKeyUsage",
            ]).stdout
        }
        #expect(try extendedKeyUsage(delegated).contains("OCSP Signing"))
        #expect(try !extendedKeyUsage(withoutEKU).contains("OCSP Signing"))
    }

    @Test func builtOCSPResponsesCarryTheRequestedStatusAndSigner() throws {
        let pki = try TestPKI()
        let leaf = try pki.makeLeaf(name: "staple.test")
        let delegated = try pki.makeOCSPResponder()
        let cases: [(OCSPTestCertStatus, OCSPSigner?, String)] = [
            (.good, nil, "staple.der: good"),
            (.good, delegated, "staple.der: good"),
            (.revoked(), delegated, "staple.der: revoked"),
            (.unknown, nil, "staple.der: unknown"),
        ]
        for (status, signer, expected) in cases {
            let response = try pki.makeOCSPResponse(for: leaf, signer: signer, status: status)
            let file = try pki.directory.write(response, to: "staple.der")
            let checked = try ChildProcess.run([
                "openssl", "ocsp", "-respin", file, "-issuer", pki.intermediate.certificatePath, "-cert",
                leaf.certificatePath, "-CAfile", pki.rootCertificatePath,
            ])
            let output = (checked.stdout + checked.stderr).replacingOccurrences(
                of: leaf.certificatePath, with: "staple.der")
            #expect(output.contains("Response verify OK"), "\(output)")
            #expect(output.contains(expected), "\(output)")
        }
    }

    @Test func responsesSignedByBadSignersFailOpenSSLVerification() throws {
        let pki = try TestPKI()
        let leaf = try pki.makeLeaf(name: "staple.test")
        for signer in [try pki.makeDelegatedWithoutOCSPSigningEKU(), try pki.makeUnrelatedOCSPSigner()] {
            let file = try pki.directory.write(try pki.makeOCSPResponse(for: leaf, signer: signer), to: "bad.der")
            let checked = try ChildProcess.run([
                "openssl", "ocsp", "-respin", file, "-issuer", pki.intermediate.certificatePath, "-cert",
                leaf.certificatePath, "-CAfile", pki.rootCertificatePath,
            ])
            #expect((checked.stdout + checked.stderr).contains("Response Verify Failure"), "\(signer.kind)")
        }
    }

    @Test func expiredResponsesAreReportedAsSuch() throws {
        let pki = try TestPKI()
        let leaf = try pki.makeLeaf(name: "staple.test")
        let response = try pki.makeOCSPResponse(for: leaf, thisUpdate: .seconds(-7_200), nextUpdate: .seconds(-3_600))
        let file = try pki.directory.write(response, to: "expired.der")
        let checked = try ChildProcess.run([
            "openssl", "ocsp", "-respin", file, "-issuer", pki.intermediate.certificatePath, "-cert",
            leaf.certificatePath, "-CAfile", pki.rootCertificatePath,
        ])
        #expect((checked.stdout + checked.stderr).contains("Status times invalid"))
        let tryLater = try TestPKI.makeOCSPErrorResponse(.tryLater)
        #expect(tryLater == [0x30, 0x03, 0x0a, 0x01, 0x03])
    }
}
