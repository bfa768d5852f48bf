import Foundation
import TestSupport

/// The certificates the suites serve, issued once per test run (key generation is the slow part):
/// one PKI whose leaves carry no OCSP URL, so stapling is "not applicable" and the foundation is
/// tested without a responder.
final class IntegrationPKI: Sendable {
    let pki: TestPKI
    /// `a.test` with an ECDSA P-256 key: the first, and so default, certificate of the frontend.
    let ecdsa: TestLeaf
    /// `a.test` with an RSA 2048 key: the same names, so it shares the default context.
    let rsa: TestLeaf
    /// `b.test` (ECDSA).
    let b: TestLeaf
    /// `*.wild.test` (ECDSA).
    let wildcard: TestLeaf

    /// The root clients trust.
    var rootPath: String { pki.rootCertificatePath }

    /// The four leaves in the order a frontend lists them: the default first.
    var frontendLeaves: [TestLeaf] { [ecdsa, rsa, b, wildcard] }

    private init() throws {
        pki = try TestPKI()
        ecdsa = try pki.makeLeaf(name: "a.test", keyType: .ecdsaP256)
        rsa = try pki.makeLeaf(name: "a.test", keyType: .rsa2048)
        b = try pki.makeLeaf(name: "b.test", keyType: .ecdsaP256)
        wildcard = try pki.makeLeaf(name: "*.wild.test", keyType: .ecdsaP256)
    }

    private static let created = Result {
        let pki = try IntegrationPKI()
        // A static is never released, so its TemporaryDirectory would outlive the run: remove the
        // files when the test process exits (unless STAPLED_KEEP_TEST_FILES asks to keep them).
        atexit { IntegrationPKI.removeFilesAtExit() }
        return pki
    }

    private static func removeFilesAtExit() {
        guard ProcessInfo.processInfo.environment["STAPLED_KEEP_TEST_FILES"] == nil,
            case .success(let shared) = created
        else { return }
        try? FileManager.default.removeItem(atPath: shared.pki.directory.path)
    }

    /// The shared instance; throws (in every test that needs it) if it could not be built.
    static func shared() throws -> IntegrationPKI { try created.get() }
}
