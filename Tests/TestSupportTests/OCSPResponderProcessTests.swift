import TestSupport
import Testing

@Suite("OCSPResponderProcess", .serialized)
struct OCSPResponderProcessTests {
    /// `openssl ocsp` as a client: asks `url` about `leaf` and returns its report.
    private func query(_ pki: TestPKI, _ leaf: TestLeaf, _ url: String) throws -> String {
        let result = try ChildProcess.run(
            [
                "openssl", "ocsp", "-issuer", pki.intermediate.certificatePath, "-cert", leaf.certificatePath, "-url",
                url, "-CAfile", pki.rootCertificatePath,
            ], timeout: .seconds(20))
        return (result.stdout + result.stderr).replacingOccurrences(of: leaf.certificatePath, with: "leaf")
    }

    @Test(arguments: [true, false])
    func answersGoodThenRevokedAfterReload(delegated: Bool) throws {
        let pki = try TestPKI()
        let responder = try OCSPResponderProcess.start(
            pki: pki, signer: try pki.makeOCSPResponder(delegated: delegated))
        #expect(responder.port > 0)
        let leaf = try pki.makeLeaf(name: "localhost", ocspURL: responder.url)
        try responder.reloadIndex()

        let good = try query(pki, leaf, responder.url)
        #expect(good.contains("Response verify OK"), "\(good)")
        #expect(good.contains("leaf: good"), "\(good)")

        try pki.revoke(leaf)
        try responder.reloadIndex()
        let revoked = try query(pki, leaf, responder.url)
        #expect(revoked.contains("leaf: revoked"), "\(revoked)")
        #expect(responder.requestCount == 4)
    }

    @Test func startsOnAReservedPortBakedIntoTheLeafFirst() throws {
        let pki = try TestPKI()
        let port = try freeLoopbackPort()
        let leaf = try pki.makeLeaf(name: "localhost", ocspURL: "http://127.0.0.1:\(port)")
        let responder = try OCSPResponderProcess.start(
            pki: pki, signer: try pki.makeOCSPResponder(), port: port, validity: .days(1))
        #expect(responder.port == port)
        #expect(try query(pki, leaf, leaf.ocspURLs[0]).contains("leaf: good"))
    }

    @Test func restartKeepsThePortAndStopRefusesRequests() throws {
        let pki = try TestPKI()
        let responder = try OCSPResponderProcess.start(pki: pki, signer: try pki.makeOCSPResponder())
        let leaf = try pki.makeLeaf(name: "localhost", ocspURL: responder.url)
        try responder.restart()
        #expect(try query(pki, leaf, responder.url).contains("leaf: good"))
        responder.stop()
        #expect(!responder.process.isRunning)
        #expect(try !query(pki, leaf, responder.url).contains("leaf: good"))
    }
}
