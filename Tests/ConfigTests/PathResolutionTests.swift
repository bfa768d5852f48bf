import Config
import Foundation
import Testing

/// Relative paths become absolute against the config file's directory; nothing is checked on disk.
@Suite struct PathResolutionTests {
    static let body = """
            certificate {CHAIN} site.key {
                issuer ../ca/issuer.pem;
                staple_file ./staples//site.der;
            }
        """

    @Test(arguments: [
        ("certs/site.pem", "/etc/stapled/certs/site.pem"),
        ("./site.pem", "/etc/stapled/site.pem"),
        ("/srv/tls/site.pem", "/srv/tls/site.pem"),
        ("/srv/tls/./site.pem", "/srv/tls/site.pem"),
        ("dir/", "/etc/stapled/dir"),
    ])
    func chainPath(written: String, resolved: String) throws {
        let text = ConfigFixtures.inFrontend(Self.body.replacing("{CHAIN}", with: written))
        let certificate = try #require(ConfigFixtures.parse(text).frontends.first?.certificates.last)
        #expect(certificate.chainPath == resolved)
        #expect(certificate.keyPath == "/etc/stapled/site.key")
        // `..` is kept: resolving it lexically would be wrong when a component is a symlink.
        #expect(certificate.issuerPath == "/etc/stapled/../ca/issuer.pem")
        #expect(certificate.stapleFile == "/etc/stapled/staples/site.der")
    }

    @Test func cacheDirResolvesAgainstTheConfigDirectory() throws {
        let config = try ConfigFixtures.parse(
            ConfigFixtures.inStapling("    cache_dir state/ocsp/;"), file: "/opt/stapled/conf/stapled.conf")
        #expect(config.stapling.cacheDir == "/opt/stapled/conf/state/ocsp")
    }

    @Test func relativeConfigFileResolvesAgainstTheWorkingDirectory() throws {
        let cwd = FileManager.default.currentDirectoryPath
        let config = try ConfigFixtures.parse(ConfigFixtures.minimal, file: "conf/stapled.conf")
        #expect(config.file == cwd + "/conf/stapled.conf")
        #expect(config.frontends.first?.certificates.first?.chainPath == cwd + "/conf/site.pem")
        // Locations keep the path the operator typed.
        #expect(
            config.frontends.first?.location == Config.SourceLocation(file: "conf/stapled.conf", line: 4, column: 1))
    }

    @Test func configFileInTheRootDirectory() throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.minimal, file: "/stapled.conf")
        #expect(config.frontends.first?.certificates.first?.keyPath == "/site.key")
    }
}
