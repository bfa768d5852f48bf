import Foundation
import TestSupport
import Testing

extension StaplingIntegration {
    @Suite("Revoked and Must-Staple certificates", .serialized)
    struct RevocationAndMustStapleTests {
        @Test("A revoked certificate's revoked status is stapled and logged at critical level")
        func revokedIsStapledAndLogged() throws {
            let world = try StaplingWorld()
            let responder = try world.startResponder()
            defer { responder.stop() }
            let leaf = try world.pki.makeLeaf(name: "localhost", ocspURL: responder.url)
            try world.pki.revoke(leaf)
            try responder.reloadIndex()
            let daemon = try world.startDaemon(world.config([.init(leaf)]))
            defer { _ = try? daemon.stop() }
            let port = try daemon.port()

            let first = try world.handshake(port: port)
            let staple = try #require(first.stapledOCSPResponse, "no staple\n\(daemon.tail)")
            let report = try world.inspect(staple, for: leaf)
            #expect(report.signatureVerified, "\(report)")
            #expect(report.leafStatus == "revoked", "\(report)")
            #expect(report.serial == leaf.serial, "\(report)")

            let sClient = try ExternalClients.sClientStatus(port: port, caFile: world.pki.rootCertificatePath)
            #expect(sClient.contains("OCSP Response Status: successful"), "\(sClient)")
            #expect(sClient.contains("Cert Status: revoked"), "\(sClient)")

            // curl verifies the staple and refuses the revoked certificate.
            let curl = try ExternalClients.curlCertStatus(port: port, caFile: world.pki.rootCertificatePath)
            // CURLE_SSL_INVALIDCERTSTATUS: "SSL certificate revocation reason: keyCompromise (1)".
            #expect(curl.status == 91, "curl: \(curl.stderr)")
            #expect(curl.stderr.lowercased().contains("revocation reason: keycompromise"), "curl: \(curl.stderr)")

            let critical = daemon.lines(containing: " critical certificate is REVOKED ")
            #expect(critical.count >= 1, "\(daemon.tail)")
            #expect(critical.first?.contains("serial=\(leaf.serial)") == true, "\(critical)")
            #expect(!daemon.lines(containing: "1 stapled, 1 revoked").isEmpty, "\(daemon.tail)")
        }

        @Test("stapled -t shows Must-Staple: yes for a Must-Staple leaf and no otherwise")
        func mustStapleIsDetected() throws {
            let world = try StaplingWorld()
            let url = "http://127.0.0.1:9/"
            let mustStaple = try world.pki.makeLeaf(name: "must.example", ocspURL: url, mustStaple: true)
            let plain = try world.pki.makeLeaf(name: "plain.example", ocspURL: url)
            let check = try world.check(world.config([.init(mustStaple), .init(plain)]))
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

            let sections = CheckReportSections(check.stdout)
            #expect(sections.value("Must-Staple", certificate: mustStaple.chainPath) == "yes", "\(check.stdout)")
            #expect(sections.value("Must-Staple", certificate: plain.chainPath) == "no", "\(check.stdout)")
            #expect(sections.value("stapling", certificate: mustStaple.chainPath) == "fetched", "\(check.stdout)")
            #expect(sections.value("serial", certificate: mustStaple.chainPath) == mustStaple.serial, "\(check.stdout)")
            #expect(sections.value("OCSP URLs", certificate: plain.chainPath) == url, "\(check.stdout)")
            #expect(sections.value("cached staple", certificate: plain.chainPath) == "none", "\(check.stdout)")
        }
    }
}

/// The per-certificate sections of `stapled -t`'s report: `  certificate PATH`, then indented
/// `key: value` lines.
struct CheckReportSections {
    private var sections: [String: [String: String]] = [:]

    init(_ report: String) {
        var current: String?
        for line in report.split(separator: "\n").map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("certificate ") {
                var path = String(trimmed.dropFirst("certificate ".count))
                if path.hasSuffix(" (default)") { path = String(path.dropLast(" (default)".count)) }
                current = path
                continue
            }
            guard let current, line.hasPrefix("    "), let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            sections[current, default: [:]][key] = value
        }
    }

    func value(_ key: String, certificate chainPath: String) -> String? { sections[chainPath]?[key] }
}
