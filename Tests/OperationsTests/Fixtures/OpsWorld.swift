import Foundation
import TestSupport

/// Everything one operations test needs around the daemon: a PKI, a workspace holding the config,
/// the served chain and key (copied to fixed paths, so a test can replace them on disk) and the
/// OCSP cache directory.
final class OpsWorld {
    let pki: TestPKI
    let workspace: TemporaryDirectory

    init() throws {
        pki = try TestPKI()
        workspace = try TemporaryDirectory(prefix: "ops")
    }

    var configPath: String { workspace.file("stapled.conf") }
    var cacheDirectory: String { workspace.file("ocsp-cache") }
    var chainPath: String { workspace.file("site.pem") }
    var keyPath: String { workspace.file("site.key") }

    /// A real `openssl ocsp` responder for the PKI's intermediate (signing with the issuer).
    func startResponder() throws -> OCSPResponderProcess {
        try OCSPResponderProcess.start(pki: pki, signer: try pki.makeOCSPResponder(delegated: false))
    }

    /// Issues a leaf for `localhost` (ECDSA) with `ocspURL` in its AIA.
    func makeLeaf(ocspURL: String?) throws -> TestLeaf {
        try pki.makeLeaf(name: "localhost", sans: ["localhost", "127.0.0.1"], ocspURL: ocspURL)
    }

    /// Puts `leaf`'s chain and key at `chainPath`/`keyPath`, each replaced atomically (rename).
    func install(_ leaf: TestLeaf) throws {
        try Self.replace(chainPath, with: leaf.chainPath)
        try Self.replace(keyPath, with: leaf.keyPath)
    }

    /// A one-frontend config serving the installed certificate, relaying to `upstreamPort`.
    func config(upstreamPort: UInt16) -> OpsConfig {
        OpsConfig(upstreamPort: upstreamPort, cacheDirectory: cacheDirectory, chain: chainPath, key: keyPath)
    }

    /// Writes `config` and starts the daemon (see `OpsDaemon.start`).
    func startDaemon(_ config: OpsConfig, environment: [String: String] = [:]) throws -> OpsDaemon {
        try write(config)
        return try OpsDaemon.start(configPath: configPath, environment: environment)
    }

    func write(_ config: OpsConfig) throws { try write(config.text) }

    func write(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// One handshake that asks for a staple and verifies the chain against the root.
    func handshake(host: String = "127.0.0.1", port: UInt16, timeout: Duration = .seconds(10)) throws
        -> TLSHandshakeInfo
    {
        let client = try TLSTestClient.connect(host: host, port: port, options: clientOptions(timeout: timeout))
        defer { client.close() }
        return client.handshake
    }

    func clientOptions(timeout: Duration = .seconds(10)) -> TLSClientOptions {
        TLSClientOptions(
            serverName: "localhost", caFile: pki.rootCertificatePath, verifyHostname: "localhost",
            requestOCSPStatus: true, timeout: timeout)
    }

    /// The serial numbers (uppercase hex) of the SingleResponses' CertIDs in a DER OCSP response,
    /// read by `openssl ocsp -respin FILE -resp_text -noverify` (up to the certificates the
    /// response carries, which have serials of their own).
    func stapleSerials(_ der: [UInt8]) throws -> [String] {
        let path = try workspace.write(der, to: "staple-\(UUID().uuidString).der")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ChildProcess.runChecked(
            ["openssl", "ocsp", "-respin", path, "-resp_text", "-noverify"], timeout: .seconds(30))
        let responseData = result.stdout.split(separator: "\n").prefix { !$0.hasPrefix("Certificate:") }
        return responseData.compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("Serial Number:") else { return nil }
            return trimmed.dropFirst("Serial Number:".count).trimmingCharacters(in: .whitespaces).uppercased()
        }
    }

    static func replace(_ destination: String, with source: String) throws {
        let temporary = destination + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: source, toPath: temporary)
        guard rename(temporary, destination) == 0 else {
            throw TestSupportError(.systemCall, "rename(\(temporary))", String(cString: strerror(errno)))
        }
    }
}
