import COpenSSL
import Foundation
import Stapling
import Synchronization
import TLS
import TestSupport

/// The PKI every suite of this target shares, built once per test run with `TestSupport.TestPKI`
/// (the `openssl` command line), plus the signers it does not make: a responder issued by the root
/// instead of the issuer, and a self-signed "twin" that carries the issuer's name with another key.
final class StaplingFixture: Sendable {
    let pki: TestPKI
    /// The intermediate: the issuer of every leaf below.
    let issuer: X509Certificate
    let root: X509Certificate

    let ecdsaLeaf: TestLeaf
    let rsaLeaf: TestLeaf
    let mustStapleLeaf: TestLeaf
    let noOCSPURLLeaf: TestLeaf
    /// Revoked in the index with reason keyCompromise.
    let revokedLeaf: TestLeaf

    /// The intermediate signing its own responses.
    let issuerSigner: ResponseSigner
    let delegated: ResponseSigner
    let expiredDelegate: ResponseSigner
    let withoutOCSPSigningEKU: ResponseSigner
    let unrelated: ResponseSigner
    /// Has the OCSPSigning EKU but was issued by the root, not by the leaves' issuer.
    let issuedByRoot: ResponseSigner
    /// Self-signed, subject equal to the issuer's, different key.
    let issuerNameTwin: ResponseSigner

    /// An `index.txt` that knows no certificate: `openssl ocsp` answers `unknown` from it.
    let emptyIndexPath: String
    /// The AIA OCSP URL of the leaves (nothing listens there: these tests never fetch).
    static let ocspURL = "http://127.0.0.1:9/ocsp"

    private static let instance = Mutex<StaplingFixture?>(nil)

    /// The shared fixture, built on first use; its files are removed when the test process exits.
    static func shared() throws -> StaplingFixture {
        try instance.withLock { instance in
            if let instance { return instance }
            let made = try StaplingFixture()
            instance = made
            atexit { StaplingFixture.release() }
            return made
        }
    }

    /// Drops the shared fixture, whose `TemporaryDirectory` then deletes the PKI's files.
    private static func release() {
        instance.withLock { $0 = nil }
    }

    private init() throws {
        let pki = try TestPKI()
        self.pki = pki
        issuer = try Self.certificate(at: pki.intermediate.certificatePath)
        root = try Self.certificate(at: pki.root.certificatePath)

        ecdsaLeaf = try pki.makeLeaf(name: "ecdsa.stapled.test", ocspURL: Self.ocspURL)
        rsaLeaf = try pki.makeLeaf(name: "rsa.stapled.test", keyType: .rsa2048, ocspURL: Self.ocspURL)
        mustStapleLeaf = try pki.makeLeaf(name: "must-staple.stapled.test", ocspURL: Self.ocspURL, mustStaple: true)
        noOCSPURLLeaf = try pki.makeLeaf(name: "no-ocsp.stapled.test")
        revokedLeaf = try pki.makeLeaf(name: "revoked.stapled.test", ocspURL: Self.ocspURL)
        try pki.revoke(revokedLeaf, reason: "keyCompromise")

        issuerSigner = ResponseSigner(try pki.makeOCSPResponder(delegated: false))
        delegated = ResponseSigner(try pki.makeOCSPResponder())
        expiredDelegate = ResponseSigner(try pki.makeOCSPResponder(validity: .expired))
        withoutOCSPSigningEKU = ResponseSigner(try pki.makeDelegatedWithoutOCSPSigningEKU())
        unrelated = ResponseSigner(try pki.makeUnrelatedOCSPSigner())
        issuedByRoot = try Self.makeResponderIssuedByRoot(pki)
        issuerNameTwin = try Self.makeIssuerNameTwin(pki)
        emptyIndexPath = try pki.directory.write("", to: "empty-index.txt")
    }

    /// The first certificate of a PEM file.
    static func certificate(at path: String) throws -> X509Certificate {
        try PEMCertificates.load(file: path)[0]
    }

    func certificate(_ leaf: TestLeaf) throws -> X509Certificate {
        try Self.certificate(at: leaf.certificatePath)
    }

    /// Asks `openssl ocsp -index` (no server: `-reqin`/`-respout`) for `leaf`'s status, with the
    /// request made by `OCSPRequestBuilder`. `requestIssuer` changes the CertID's issuer hashes.
    func cliResponse(
        for leaf: TestLeaf, signer: ResponseSigner, arguments: [String] = ["-ndays", "1"], index: String? = nil,
        requestIssuer: X509Certificate? = nil, caPath: String? = nil
    ) throws -> [UInt8] {
        let directory = try TemporaryDirectory(prefix: "ocsp-cli")
        let certID = try OCSPCertID(leaf: try certificate(leaf), issuer: requestIssuer ?? issuer)
        let request = try directory.write(try OCSPRequestBuilder.der(for: certID), to: "request.der")
        let response = directory.file("response.der")
        try ChildProcess.runChecked(
            [
                "openssl", "ocsp", "-index", index ?? pki.indexPath, "-rsigner", signer.certificatePath, "-rkey",
                signer.keyPath, "-CA", caPath ?? pki.intermediate.certificatePath, "-reqin", request, "-respout",
                response,
            ] + arguments, timeout: .seconds(30))
        return try Self.bytes(of: response)
    }

    /// Verifies `der` for `leaf` at `now` (default: the current time).
    func verify(
        _ der: [UInt8], for leaf: TestLeaf, now: Int64 = StaplingFixture.now(),
        settings: VerificationSettings = VerificationSettings()
    ) throws -> Result<VerifiedOCSPResponse, OCSPVerificationFailure> {
        OCSPResponseVerifier.verify(der: der, leaf: try certificate(leaf), issuer: issuer, now: now, settings: settings)
    }

    static func now() -> Int64 { Int64(time(nil)) }

    static func bytes(of path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return [UInt8](data)
    }

    /// SHA-1 of a certificate's public key: the byKey responder ID of that key.
    static func keyHash(of certificate: X509Certificate) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = X509_pubkey_digest(certificate.pointer, EVP_sha1(), &digest, &length)
        return Array(digest.prefix(Int(length)))
    }

    private static func makeResponderIssuedByRoot(_ pki: TestPKI) throws -> ResponseSigner {
        let directory = pki.directory
        let key = directory.file("root-issued-responder.key")
        let request = directory.file("root-issued-responder.csr")
        let certificate = directory.file("root-issued-responder.pem")
        let extensions = try directory.write(
            """
            basicConstraints=critical,CA:false
            keyUsage=critical,digitalSignature
            extendedKeyUsage=OCSPSigning
            subjectKeyIdentifier=hash
            authorityKeyIdentifier=keyid:always

            """, to: "root-issued-responder.ext")
        try ChildProcess.runChecked(
            ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
        try ChildProcess.runChecked([
            "openssl", "req", "-new", "-key", key, "-subj", "/CN=Responder Issued By The Root", "-out", request,
        ])
        try ChildProcess.runChecked([
            "openssl", "x509", "-req", "-in", request, "-CA", pki.root.certificatePath, "-CAkey", pki.root.keyPath,
            "-set_serial", "0x7001", "-days", "30", "-sha256", "-extfile", extensions, "-out", certificate,
        ])
        return ResponseSigner(certificatePath: certificate, keyPath: key)
    }

    private static func makeIssuerNameTwin(_ pki: TestPKI) throws -> ResponseSigner {
        let key = pki.directory.file("issuer-twin.key")
        let certificate = pki.directory.file("issuer-twin.pem")
        try ChildProcess.runChecked(
            ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
        try ChildProcess.runChecked([
            "openssl", "req", "-x509", "-new", "-key", key, "-subj", pki.intermediate.subject, "-days", "30",
            "-addext", "extendedKeyUsage=OCSPSigning", "-out", certificate,
        ])
        return ResponseSigner(certificatePath: certificate, keyPath: key)
    }
}

/// A certificate and key that sign OCSP responses with `openssl ocsp -rsigner/-rkey`.
struct ResponseSigner: Sendable {
    var certificatePath: String
    var keyPath: String

    init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    init(_ signer: OCSPSigner) {
        self.init(certificatePath: signer.certificatePath, keyPath: signer.keyPath)
    }
}

extension Result where Failure == OCSPVerificationFailure {
    /// The failure, or nil on success.
    var failure: OCSPVerificationFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
