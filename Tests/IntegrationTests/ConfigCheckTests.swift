import Foundation
import TestSupport
import Testing

extension StapledBinaryTests {
    /// `stapled -t -c FILE`: loads every certificate and key like a start would, reports, and
    /// exits 0, or exits 1 naming the file at fault and the config location that names it.
    @Suite struct ConfigCheckTests {
        /// A config file serving `certificates` (with an upstream nothing connects to), in a
        /// fresh directory.
        struct CheckedConfig {
            let directory: TemporaryDirectory
            let path: String
            let text: String

            init(certificates: [(chain: String, key: String)], in directory: TemporaryDirectory? = nil) throws {
                self.directory = try directory ?? TemporaryDirectory(prefix: "stapled-check")
                var config = StapledConfigFile(upstreamPorts: [9], leaves: [])
                config.certificates = certificates
                text = config.text(cacheDirectory: self.directory.file("ocsp-cache"))
                path = try self.directory.write(text, to: "stapled.conf")
            }

            /// `PATH:LINE:COLUMN` of the `certificate` directive that names `file`.
            func location(ofCertificateNaming file: String) -> String {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                for (index, line) in lines.enumerated() where line.contains(file) {
                    guard let directive = line.range(of: "certificate") else { continue }
                    return "\(path):\(index + 1):\(line.distance(from: line.startIndex, to: directive.lowerBound) + 1)"
                }
                return "\(path): no certificate directive names \(file)"
            }

            func check() throws -> CommandResult {
                try ChildProcess.run([try StapledBinary.path(), "-t", "-c", path], timeout: .seconds(30))
            }
        }

        @Test func validConfigReportsEveryCertificateAndExitsZero() throws {
            let pki = try IntegrationPKI.shared()
            let config = try CheckedConfig(certificates: pki.frontendLeaves.map { ($0.chainPath, $0.keyPath) })
            let result = try config.check()
            #expect(result.status == 0, "\(result.stderr)")
            let report = result.stdout
            for leaf in pki.frontendLeaves {
                #expect(report.contains("certificate \(leaf.chainPath)"), "\(report)")
                #expect(report.contains("serial:     \(leaf.serial)"), "\(report)")
            }
            #expect(report.contains("certificate \(pki.ecdsa.chainPath) (default)"))
            #expect(report.contains("names:      a.test"))
            #expect(report.contains("names:      b.test"))
            #expect(report.contains("names:      *.wild.test"))
            #expect(report.contains("key:        ECDSA 256"))
            #expect(report.contains("key:        RSA 2048"))
            let issuerLines = report.split(separator: "\n").filter { $0.contains("issuer:") }
            #expect(issuerLines.count == 4)
            #expect(issuerLines.allSatisfy { $0.contains("found (") && $0.contains("stapled Test Intermediate") })
            #expect(report.contains("stapling:   not applicable"))
            #expect(report.contains("configuration file \(config.path) test is successful"))
        }

        @Test func missingKeyFileFailsNamingTheFileAndTheDirective() throws {
            let pki = try IntegrationPKI.shared()
            let directory = try TemporaryDirectory(prefix: "stapled-check")
            let missingKey = directory.file("no-such.key")
            let config = try CheckedConfig(certificates: [(pki.ecdsa.chainPath, missingKey)], in: directory)
            let result = try config.check()
            #expect(result.status == 1)
            #expect(result.stderr.contains(missingKey), "\(result.stderr)")
            #expect(result.stderr.contains(config.location(ofCertificateNaming: missingKey)), "\(result.stderr)")
            #expect(result.stderr.contains("test failed"), "\(result.stderr)")
        }

        @Test func unreadableKeyFileFailsNamingTheFileAndTheDirective() throws {
            let pki = try IntegrationPKI.shared()
            let directory = try TemporaryDirectory(prefix: "stapled-check")
            let unreadable = directory.file("unreadable.key")
            if geteuid() == 0 {
                // Root reads a file whatever its mode; nobody can read a directory as a key.
                try FileManager.default.createDirectory(atPath: unreadable, withIntermediateDirectories: false)
            } else {
                try directory.write(
                    try String(contentsOfFile: pki.ecdsa.keyPath, encoding: .utf8), to: "unreadable.key")
                try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: unreadable)
            }
            let config = try CheckedConfig(certificates: [(pki.ecdsa.chainPath, unreadable)], in: directory)
            let result = try config.check()
            #expect(result.status == 1)
            #expect(result.stderr.contains(unreadable), "\(result.stderr)")
            #expect(result.stderr.contains(config.location(ofCertificateNaming: unreadable)), "\(result.stderr)")
            #expect(result.stderr.contains("test failed"), "\(result.stderr)")
        }

        @Test func keyOfAnotherCertificateFailsNamingTheKeyFile() throws {
            let pki = try IntegrationPKI.shared()
            let config = try CheckedConfig(certificates: [(pki.ecdsa.chainPath, pki.b.keyPath)])
            let result = try config.check()
            #expect(result.status == 1)
            #expect(result.stderr.contains(pki.b.keyPath), "\(result.stderr)")
            #expect(result.stderr.contains("does not match"), "\(result.stderr)")
            #expect(result.stderr.contains(config.location(ofCertificateNaming: pki.b.keyPath)), "\(result.stderr)")
        }

        @Test func expiredLeafFailsNamingTheCertificate() throws {
            let pki = try IntegrationPKI.shared()
            let expired = try pki.pki.makeLeaf(name: "expired.test", validity: .expired)
            let config = try CheckedConfig(certificates: [(expired.chainPath, expired.keyPath)])
            let result = try config.check()
            #expect(result.status == 1)
            #expect(result.stderr.contains(expired.chainPath), "\(result.stderr)")
            #expect(result.stderr.contains("expired"), "\(result.stderr)")
            #expect(result.stderr.contains(config.location(ofCertificateNaming: expired.chainPath)), "\(result.stderr)")
        }

        @Test func versionFlagPrintsTheVersion() throws {
            let result = try ChildProcess.run([try StapledBinary.path(), "--version"], timeout: .seconds(30))
            #expect(result.status == 0)
            let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(version.wholeMatch(of: /stapled \d+\.\d+\.\d+(-[0-9A-Za-z.]+)?/) != nil, "\(result.stdout)")
        }
    }
}
