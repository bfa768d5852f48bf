import TestSupport
import Testing

extension StaplingIntegration {
    /// Start-up fetches before accepting, so the very first handshake is stapled; three
    /// independent judges (OpenSSL's OCSP verifier, s_client, curl) agree on the staple.
    @Suite("First handshake after start", .serialized)
    struct FirstHandshakeTests {
        @Test(
            "The first handshake after start is stapled with a verified good response",
            arguments: [TestKeyType.ecdsaP256, .rsa2048], [TLSVersion.tls12, .tls13])
        func firstHandshakeIsStapled(keyType: TestKeyType, version: TLSVersion) throws {
            let world = try StaplingWorld()
            let responder = try world.startResponder(delegated: false)
            defer { responder.stop() }
            let leaf = try world.pki.makeLeaf(name: "localhost", keyType: keyType, ocspURL: responder.url)
            try responder.reloadIndex()
            let daemon = try world.startDaemon(world.config([.init(leaf)]))
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()

            // 1. The first handshake of all, with our own client; OpenSSL's verifier judges the staple.
            let first = try world.handshake(port: port, version: version)
            #expect(first.version == version.rawValue)
            #expect(first.peerCertificate?.serial == leaf.serial)
            let staple = try #require(
                first.stapledOCSPResponse, "the first handshake carried no staple\n\(daemon.tail)")
            let report = try world.inspect(staple, for: leaf)
            #expect(report.responseStatus == "successful", "\(report)")
            #expect(report.signatureVerified, "\(report)")
            #expect(report.leafStatus == "good", "\(report)")
            #expect(report.serial == leaf.serial, "\(report)")
            #expect((report.nextUpdate ?? 0) > epochNow(), "\(report)")

            // 2. openssl s_client shows it.
            let sClient = try ExternalClients.sClientStatus(
                port: port, caFile: world.pki.rootCertificatePath, version: version)
            #expect(sClient.contains("OCSP Response Status: successful"), "\(sClient)")
            #expect(sClient.contains("Cert Status: good"), "\(sClient)")
            #expect(sClient.contains("Verify return code: 0 (ok)"), "\(sClient)")

            // 3. curl --cert-status verifies it and gets the backend's answer through the proxy.
            let curl = try ExternalClients.curlCertStatus(
                port: port, caFile: world.pki.rootCertificatePath, version: version)
            #expect(curl.status == 0, "curl: \(curl.stderr)")
            #expect(curl.stdout == world.backend.body)

            // The daemon logged the fetch and the summary before it became ready.
            let fetch = daemon.lines(containing: " info OCSP fetch ").first { $0.contains("result=ok") }
            #expect(fetch?.contains("cert_status=good") == true, "\(daemon.tail)")
            #expect(fetch?.contains("serial=\(leaf.serial)") == true, "\(daemon.tail)")
            #expect(!daemon.lines(containing: "notice stapling: 1 certificate: 1 stapled").isEmpty, "\(daemon.tail)")
            #expect(daemon.lines(containing: "OCSP fetch failed").isEmpty, "\(daemon.tail)")
        }

        @Test("A response signed by a delegated responder certificate is stapled and accepted by curl")
        func delegatedResponder() throws {
            let world = try StaplingWorld()
            let responder = try world.startResponder(delegated: true)
            defer { responder.stop() }
            let leaf = try world.pki.makeLeaf(name: "localhost", ocspURL: responder.url)
            try responder.reloadIndex()
            let daemon = try world.startDaemon(world.config([.init(leaf)]))
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()

            let first = try world.handshake(port: port)
            let staple = try #require(first.stapledOCSPResponse, "no staple\n\(daemon.tail)")
            let report = try world.inspect(staple, for: leaf)
            #expect(report.signatureVerified, "\(report)")
            #expect(report.leafStatus == "good", "\(report)")
            #expect(report.serial == leaf.serial, "\(report)")
            // Signed by the delegated responder, not by the intermediate.
            #expect(report.output.contains("Responder Id: CN = stapled Test OCSP Responder"), "\(report)")

            let curl = try ExternalClients.curlCertStatus(port: port, caFile: world.pki.rootCertificatePath)
            #expect(curl.status == 0, "curl: \(curl.stderr)")
            #expect(curl.stdout == world.backend.body)
        }
    }
}
