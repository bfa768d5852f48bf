import TestSupport
import Testing

extension StaplingIntegration {
    @Suite("Several certificates for the same names", .serialized)
    struct MultipleCertificatesTests {
        @Test(
            "ECDSA and RSA certificates for the same names each carry their own staple", arguments: TLSVersion.allCases)
        func ecdsaAndRSAEachCarryTheirOwnStaple(version: TLSVersion) throws {
            let world = try StaplingWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            let ecdsa = try world.pki.makeLeaf(name: "localhost", keyType: .ecdsaP256, ocspURL: responder.url)
            let rsa = try world.pki.makeLeaf(name: "localhost", keyType: .rsa2048, ocspURL: responder.url)
            try responder.reloadIndex()
            let daemon = try world.startDaemon(world.config([.init(ecdsa), .init(rsa)]))
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()
            #expect(!daemon.lines(containing: "notice stapling: 2 certificates: 2 stapled").isEmpty, "\(daemon.tail)")

            for (leaf, algorithms) in [
                (ecdsa, TLSClientOptions.ecdsaOnly), (rsa, TLSClientOptions.rsaOnly),
                (ecdsa, TLSClientOptions.ecdsaOnly),
            ] {
                let handshake = try world.handshake(port: port, version: version, signatureAlgorithms: algorithms)
                #expect(handshake.peerCertificate?.serial == leaf.serial, "\(leaf.keyType) over \(version)")
                let staple = try #require(handshake.stapledOCSPResponse, "\(leaf.keyType): no staple\n\(daemon.tail)")
                let report = try world.inspect(staple, for: leaf)
                #expect(report.serial == leaf.serial, "\(leaf.keyType) got a staple for another serial\n\(report)")
                #expect(report.leafStatus == "good" && report.signatureVerified, "\(report)")

                let sClient = try ExternalClients.sClientStatus(
                    port: port, caFile: world.pki.rootCertificatePath, version: version,
                    signatureAlgorithms: algorithms)
                #expect(sClient.contains("Cert Status: good"), "\(sClient)")
                #expect(sClient.contains("Serial Number: \(leaf.serial)"), "\(sClient)")
            }
        }

        @Test("SNI prefers a good certificate over a revoked one for the same name")
        func sniPrefersTheNonRevokedCertificate() throws {
            let world = try StaplingWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            let revoked = try world.pki.makeLeaf(name: "localhost", ocspURL: responder.url)
            let good = try world.pki.makeLeaf(name: "localhost", ocspURL: responder.url)
            try world.pki.revoke(revoked)
            try responder.reloadIndex()
            // The revoked certificate comes first: it would be served without the preference.
            let daemon = try world.startDaemon(world.config([.init(revoked), .init(good)]))
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()
            #expect(!daemon.lines(containing: " critical certificate is REVOKED ").isEmpty, "\(daemon.tail)")

            for serverName in ["localhost", nil] as [String?] {
                let handshake = try world.handshake(port: port, serverName: serverName)
                #expect(handshake.peerCertificate?.serial == good.serial, "SNI \(serverName ?? "none")")
                let staple = try #require(handshake.stapledOCSPResponse, "no staple\n\(daemon.tail)")
                let report = try world.inspect(staple, for: good)
                #expect(report.leafStatus == "good" && report.serial == good.serial, "\(report)")
            }
            let curl = try ExternalClients.curlCertStatus(port: port, caFile: world.pki.rootCertificatePath)
            #expect(curl.status == 0, "curl: \(curl.stderr)")
        }

        @Test("SNI prefers a certificate with a staple over a Must-Staple certificate without one")
        func sniAvoidsMustStapleWithoutStaple() throws {
            let world = try StaplingWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            // Nothing listens there: every fetch for the Must-Staple certificate is refused.
            let deadURL = "http://127.0.0.1:\(try freeLoopbackPort())/"
            let mustStaple = try world.pki.makeLeaf(name: "localhost", ocspURL: deadURL, mustStaple: true)
            let plain = try world.pki.makeLeaf(name: "localhost", ocspURL: responder.url)
            try responder.reloadIndex()
            let daemon = try world.startDaemon(world.config([.init(mustStaple), .init(plain)]))
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()

            let mustStapleErrors = daemon.lines(
                containing: " error OCSP fetch failed; Must-Staple certificate has no valid staple ")
            #expect(mustStapleErrors.first?.contains("serial=\(mustStaple.serial)") == true, "\(daemon.tail)")
            #expect(mustStapleErrors.first?.contains("check=transport") == true, "\(mustStapleErrors)")
            #expect(mustStapleErrors.first?.contains("staple=none") == true, "\(mustStapleErrors)")
            #expect(
                !daemon.lines(containing: "2 certificates: 1 stapled, 1 without staple, 1 Must-Staple without staple")
                    .isEmpty, "\(daemon.tail)")

            for serverName in ["localhost", nil] as [String?] {
                let handshake = try world.handshake(port: port, serverName: serverName)
                #expect(handshake.peerCertificate?.serial == plain.serial, "SNI \(serverName ?? "none")")
                let staple = try #require(handshake.stapledOCSPResponse, "no staple\n\(daemon.tail)")
                let report = try world.inspect(staple, for: plain)
                #expect(report.leafStatus == "good" && report.serial == plain.serial, "\(report)")
            }
            let curl = try ExternalClients.curlCertStatus(port: port, caFile: world.pki.rootCertificatePath)
            #expect(curl.status == 0, "curl: \(curl.stderr)")
        }

        /// docs/stapling.md: "If another configured certificate covers the same names, SNI prefers it
        /// over a certificate whose staple says revoked, and over a Must-Staple certificate that has
        /// no valid staple." An ECDSA and an RSA certificate for the same names share one TLS context:
        /// a client that accepts both key types must still get the fit RSA one.
        @Test(
            "SNI preference between an unfit ECDSA and a fit RSA certificate for the same names",
            arguments: [UnfitReason.revoked, .mustStapleWithoutStaple])
        func sniPreferenceAcrossKeyTypes(unfit: UnfitReason) throws {
            let world = try StaplingWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            let deadURL = "http://127.0.0.1:\(try freeLoopbackPort())/"
            let bad = try world.pki.makeLeaf(
                name: "localhost", keyType: .ecdsaP256, ocspURL: unfit == .revoked ? responder.url : deadURL,
                mustStaple: unfit == .mustStapleWithoutStaple)
            let good = try world.pki.makeLeaf(name: "localhost", keyType: .rsa2048, ocspURL: responder.url)
            if unfit == .revoked { try world.pki.revoke(bad) }
            try responder.reloadIndex()
            let daemon = try world.startDaemon(world.config([.init(bad), .init(good)]))
            defer { _ = try? daemon.stop() }

            let handshake = try world.handshake(port: try daemon.port())
            #expect(handshake.peerCertificate?.serial == good.serial, "served \(unfit) ECDSA \(bad.serial)")
        }

        enum UnfitReason: String, CustomStringConvertible {
            case revoked
            case mustStapleWithoutStaple
            var description: String { rawValue }
        }
    }
}
