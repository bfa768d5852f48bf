import Foundation
import Testing

@testable import Config

/// Reading real files: the error for unreadable ones, encoding, and the shipped reference config.
@Suite struct ConfigLoaderTests {
    /// A fresh directory under the system temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stapled-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func loadsAFileAndResolvesPathsAgainstItsDirectory() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stapled.conf").path
        try ConfigFixtures.minimal.write(toFile: path, atomically: true, encoding: .utf8)

        let config = try ConfigLoader.load(path: path)
        #expect(config.file == path)
        #expect(config.frontends.first?.certificates.first?.chainPath == directory.path + "/site.pem")
        #expect(config.frontends.first?.location == Config.SourceLocation(file: path, line: 4, column: 1))
    }

    @Test func missingFileIsAnErrorAtLine1Column1WithTheReason() throws {
        let path = "/nonexistent/stapled-\(UUID().uuidString).conf"
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: path) }
        #expect(error.location == Config.SourceLocation(file: path, line: 1, column: 1))
        #expect(error.description == "\(path):1:1: cannot open config file: No such file or directory")
    }

    @Test func directoryIsAnErrorWithTheReason() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: directory.path) }
        #expect(error.description == "\(directory.path):1:1: cannot read config file: Is a directory")
    }

    @Test func endlessFileIsCutOffAtTheSizeLimit() throws {
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: "/dev/zero") }
        #expect(error.description == "/dev/zero:1:1: config file is larger than 4 MiB")
    }

    @Test func invalidUTF8IsReportedWhereItStarts() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("latin1.conf").path
        let bytes = Array("workers 2;\nuser ".utf8) + [0x73, 0xE9, 0x62] + Array(";\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: path) }
        #expect(error.location == Config.SourceLocation(file: path, line: 2, column: 7))
        #expect(error.message == "config file is not valid UTF-8")
    }

    @Test func errorsInsideAFileNameTheFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.conf").path
        try ConfigFixtures.inFrontend("    listn 0.0.0.0:443;").write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: path) }
        #expect(error.description.hasPrefix("\(path):8:5: unknown directive \"listn\" in frontend"))
    }

    /// `config/stapled.conf`, found from this file's path: Tests/ConfigTests/ → repository root.
    static let referenceConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config/stapled.conf").path

    @Test func referenceConfigParsesWithTheDefaultsItDocuments() throws {
        let config = try ConfigLoader.load(path: Self.referenceConfig)
        #expect(config.workers == .auto)
        #expect(config.logLevel == .info)
        #expect(config.shutdownTimeout == .seconds(30))
        #expect(config.stapling == StaplingSettings())
        #expect(config.admin?.value == .tcp(HostPort(host: "127.0.0.1", port: 9199)))
        let frontend = try #require(config.frontends.first)
        #expect(frontend.mode == .tcp)
        #expect(frontend.protocols == [.tls12, .tls13])
        #expect(frontend.ciphers == Frontend.intermediateCiphers)
        #expect(frontend.ciphersuites == Frontend.intermediateCiphersuites)
        #expect(frontend.curves == Frontend.intermediateCurves)
        #expect(frontend.handshakeTimeout == .seconds(10))
        #expect(frontend.connectTimeout == .seconds(5))
        #expect(frontend.idleTimeout == .seconds(60))
        #expect(frontend.sessionTicketLifetime == .seconds(3_600))
        #expect(!frontend.certificates.isEmpty)
        for certificate in frontend.certificates {
            #expect(certificate.chainPath.hasPrefix("/etc/stapled/"))
            #expect(certificate.keyPath.hasPrefix("/etc/stapled/"))
        }
        let upstream = try #require(config.upstream(named: frontend.upstream.value))
        #expect(upstream.servers.first?.value == UpstreamServerSpec(HostPort(host: "127.0.0.1", port: 8080)))
        #expect(upstream.balance == .roundRobin)
        #expect(upstream.keepalive == 0)
        #expect(upstream.keepaliveTimeout == .seconds(60))
        #expect(upstream.healthCheck == nil)
        #expect(upstream.sendProxy == nil)
    }

    /// Every directive of the schema appears in the reference config, active or commented out.
    @Test func referenceConfigMentionsEveryDirective() throws {
        let text = try String(contentsOfFile: Self.referenceConfig, encoding: .utf8)
        let documentation = try String(
            contentsOfFile: Self.referenceConfig.replacing("config/stapled.conf", with: "docs/configuration.md"),
            encoding: .utf8)
        for name in Self.allDirectiveNames {
            #expect(text.contains("\(name) "), "config/stapled.conf does not show \"\(name)\"")
            #expect(documentation.contains("`\(name)"), "docs/configuration.md does not document \"\(name)\"")
        }
    }

    /// Every directive name of every context, from the schema itself, so a new directive fails
    /// this suite until the reference config and the docs show it.
    static let allDirectiveNames = Set(ConfigContext.allCases.flatMap(\.directives).map(\.name)).sorted()
}
