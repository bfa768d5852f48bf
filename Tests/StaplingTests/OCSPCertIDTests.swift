import COpenSSL
import Stapling
import TLS
import TestSupport
import Testing

@Suite("OCSPCertID and OCSPRequestBuilder")
struct OCSPCertIDTests {
    @Test("the CertID holds SHA-1 of the issuer's name and key and the leaf's serial")
    func fields() throws {
        let fixture = try StaplingFixture.shared()
        let leaf = try fixture.certificate(fixture.ecdsaLeaf)
        let certID = try OCSPCertID(leaf: leaf, issuer: fixture.issuer)

        #expect(certID.serial == leaf.serialHex)
        #expect(certID.serial == fixture.ecdsaLeaf.serial)
        #expect(certID.issuerKeyHash == hex(StaplingFixture.keyHash(of: fixture.issuer)))
        var nameHash = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        #expect(X509_NAME_digest(X509_get_subject_name(fixture.issuer.pointer), EVP_sha1(), &nameHash, &length) == 1)
        #expect(certID.issuerNameHash == hex(Array(nameHash.prefix(Int(length)))))
    }

    @Test("the key is 64 lower-case hex characters, stable, and different per certificate")
    func key() throws {
        let fixture = try StaplingFixture.shared()
        let ecdsa = try fixture.certificate(fixture.ecdsaLeaf)
        let first = try OCSPCertID(leaf: ecdsa, issuer: fixture.issuer)
        let again = try OCSPCertID(leaf: try fixture.certificate(fixture.ecdsaLeaf), issuer: fixture.issuer)
        let rsa = try OCSPCertID(leaf: try fixture.certificate(fixture.rsaLeaf), issuer: fixture.issuer)
        let otherIssuer = try OCSPCertID(leaf: ecdsa, issuer: fixture.root)

        #expect(first.key.count == 64)
        #expect(first.key.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(first == again)
        #expect(first.key == again.key)
        #expect(first.key != rsa.key)
        #expect(first.key != otherIssuer.key)
        #expect(first.serial == otherIssuer.serial)
    }

    @Test("the request is byte for byte what `openssl ocsp -no_nonce` sends", arguments: ["ecdsa", "rsa"])
    func requestMatchesOpenSSL(kind: String) throws {
        let fixture = try StaplingFixture.shared()
        let leaf = kind == "rsa" ? fixture.rsaLeaf : fixture.ecdsaLeaf
        let certID = try OCSPCertID(leaf: try fixture.certificate(leaf), issuer: fixture.issuer)
        let ours = try OCSPRequestBuilder.der(for: certID)

        let directory = try TemporaryDirectory(prefix: "ocsp-request")
        let theirs = directory.file("openssl.der")
        try ChildProcess.runChecked([
            "openssl", "ocsp", "-issuer", fixture.pki.intermediate.certificatePath, "-cert", leaf.certificatePath,
            "-no_nonce", "-reqout", theirs,
        ])
        #expect(ours == (try StaplingFixture.bytes(of: theirs)))

        let text = try ChildProcess.runChecked([
            "openssl", "ocsp", "-reqin", try directory.write(ours, to: "ours.der"), "-req_text",
        ]).stdout
        #expect(text.contains("Serial Number: \(leaf.serial)"))
        #expect(!text.contains("Nonce"))
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
