import Foundation
import TestSupport

/// The PKI and OCSP requests every transport test shares, built once per test run: a leaf for
/// `localhost`/`127.0.0.1` (also the HTTPS responders' server certificate), a leaf for another name
/// (for hostname mismatches), and DER OCSP requests small enough for GET and large enough for POST.
struct TransportFixture: Sendable {
    let pki: TestPKI
    let leaf: TestLeaf
    let otherNameLeaf: TestLeaf
    /// SHA-1 CertID, no nonce: ~90 bytes, sent with GET.
    let shortRequest: [UInt8]
    /// SHA-512 CertID and a nonce: ~220 bytes (~300 in base64), sent with POST.
    let longRequest: [UInt8]

    private static let built = Result { try TransportFixture() }

    static func shared() throws -> TransportFixture { try built.get() }

    private init() throws {
        pki = try TestPKI()
        leaf = try pki.makeLeaf(name: "localhost", sans: ["localhost", "127.0.0.1"], ocspURL: "http://127.0.0.1/")
        otherNameLeaf = try pki.makeLeaf(name: "elsewhere.example")
        let issuer = pki.intermediate.certificatePath
        let shortPath = pki.directory.file("short-request.der")
        let longPath = pki.directory.file("long-request.der")
        try ChildProcess.runChecked([
            "openssl", "ocsp", "-issuer", issuer, "-cert", leaf.certificatePath, "-no_nonce", "-reqout", shortPath,
        ])
        try ChildProcess.runChecked([
            "openssl", "ocsp", "-issuer", issuer, "-sha512", "-cert", leaf.certificatePath, "-reqout", longPath,
        ])
        shortRequest = try Self.read(shortPath)
        longRequest = try Self.read(longPath)
    }

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
