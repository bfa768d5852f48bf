import TestSupport
import Testing

extension StaplingIntegration {
    @Suite("Certificates that cannot be stapled", .serialized)
    struct ApplicabilityTests {
        @Test("A certificate without an OCSP URL is served without a staple and reported once")
        func noOCSPURL() throws {
            let world = try StaplingWorld()
            let leaf = try world.pki.makeLeaf(name: "localhost", ocspURL: nil)
            let daemon = try world.startDaemon(world.config([.init(leaf)]))
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()

            for version in [TLSVersion.tls12, .tls13, .tls13] {
                let handshake = try world.handshake(port: port, version: version)
                #expect(handshake.peerCertificate?.serial == leaf.serial)
                #expect(handshake.stapledOCSPResponse == nil, "asked for a staple, got one (\(version))")
            }
            let sClient = try ExternalClients.sClientStatus(port: port, caFile: world.pki.rootCertificatePath)
            #expect(sClient.contains("OCSP response: no response sent"), "\(sClient)")
            #expect(sClient.contains("Verify return code: 0 (ok)"), "\(sClient)")

            let notApplicable = daemon.lines(containing: "stapling not applicable")
            #expect(notApplicable.count == 1, "\(daemon.log)")
            #expect(
                notApplicable.first?.contains(" info stapling not applicable: the certificate has no OCSP URL") == true)
            #expect(notApplicable.first?.contains("serial=\(leaf.serial)") == true, "\(notApplicable)")
            #expect(
                !daemon.lines(containing: "notice stapling: 1 certificate: 0 stapled, 1 not applicable").isEmpty,
                "\(daemon.log)")
            #expect(daemon.lines(containing: "OCSP fetch").isEmpty, "\(daemon.log)")
            #expect(daemon.lines(containing: " warning ").isEmpty, "\(daemon.log)")
            #expect(daemon.lines(containing: " error ").isEmpty, "\(daemon.log)")
        }

        @Test(
            "A chain file without the issuer fails stapled -t, naming the file and the issuer, unless stapling is off")
        func missingIssuer() throws {
            let world = try StaplingWorld()
            let leaf = try world.pki.makeLeaf(name: "localhost", ocspURL: "http://127.0.0.1:9/")
            // The leaf alone: no intermediate after it.
            let leafOnly = StapledConfigFile.Certificate(chainPath: leaf.certificatePath, keyPath: leaf.keyPath)

            let failed = try world.check(world.config([leafOnly]))
            #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
            let message = failed.stderr
            #expect(message.contains(leaf.certificatePath), "\(message)")
            #expect(message.contains("has no issuer for /CN=localhost"), "\(message)")
            #expect(message.contains(world.pki.intermediate.subject), "\(message)")
            #expect(message.contains("test failed"), "\(message)")
            // The location of the certificate directive in the config.
            #expect(message.contains("\(world.configPath):"), "\(message)")

            // The daemon itself refuses to start the same way.
            let run = try ChildProcess.run([try StapledBinary.path(), "-c", world.configPath], timeout: .seconds(30))
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("has no issuer for /CN=localhost"), "\(run.stderr)")

            // With stapling off for that certificate it passes.
            var off = leafOnly
            off.block = ["stapling off;"]
            let passed = try world.check(world.config([off]))
            #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
            #expect(passed.stdout.contains("test is successful"), "\(passed.stdout)")
            let sections = CheckReportSections(passed.stdout)
            #expect(sections.value("stapling", certificate: leaf.certificatePath) == "disabled", "\(passed.stdout)")
            #expect(
                sections.value("issuer", certificate: leaf.certificatePath) == "not found in chain", "\(passed.stdout)")

            // And so does naming the issuer with `issuer FILE;`.
            var withIssuer = leafOnly
            withIssuer.block = ["issuer \(StapledConfigText.quoted(world.pki.intermediate.certificatePath));"]
            let named = try world.check(world.config([withIssuer]))
            #expect(named.status == 0, "\(named.stdout)\(named.stderr)")
            #expect(
                CheckReportSections(named.stdout).value("stapling", certificate: leaf.certificatePath) == "fetched",
                "\(named.stdout)")
        }
    }
}
