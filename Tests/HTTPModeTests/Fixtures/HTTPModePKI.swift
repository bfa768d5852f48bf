import TestSupport

/// The certificate the suites serve, issued once per run: `a.test` (ECDSA), no OCSP URL.
final class HTTPModePKI: Sendable {
    let pki: TestPKI
    let leaf: TestLeaf

    var rootPath: String { pki.rootCertificatePath }

    private init() throws {
        pki = try TestPKI()
        leaf = try pki.makeLeaf(name: "a.test", keyType: .ecdsaP256)
    }

    private static let created = Result { try HTTPModePKI() }

    static func shared() throws -> HTTPModePKI { try created.get() }
}
