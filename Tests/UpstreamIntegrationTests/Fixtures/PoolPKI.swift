import TestSupport

/// The certificate the suites serve, issued once per run: `a.test` (ECDSA) without an OCSP URL,
/// so stapling is "not applicable" and needs no responder.
final class PoolPKI: Sendable {
    let pki: TestPKI
    let leaf: TestLeaf

    private init() throws {
        pki = try TestPKI()
        leaf = try pki.makeLeaf(name: "a.test", keyType: .ecdsaP256)
    }

    private static let created = Result { try PoolPKI() }

    static func shared() throws -> PoolPKI { try created.get() }

    /// A client that trusts the test root and asks for `a.test`.
    func clientOptions(alpn: [String] = []) -> TLSClientOptions {
        TLSClientOptions(serverName: "a.test", caFile: pki.rootCertificatePath, alpn: alpn, timeout: .seconds(15))
    }
}
