import Foundation
import TestSupport

/// Everything one test needs around the daemon: a PKI, an HTTP backend (so curl gets an answer),
/// and a workspace holding the config file and the OCSP cache directory.
final class StaplingWorld {
    let pki: TestPKI
    let backend: HTTPTestServer
    let workspace: TemporaryDirectory

    init() throws {
        pki = try TestPKI()
        backend = try HTTPTestServer()
        workspace = try TemporaryDirectory(prefix: "stapling-it")
    }

    deinit { backend.stop() }

    var configPath: String { workspace.file("stapled.conf") }
    var cacheDirectory: String { workspace.file("ocsp-cache") }

    /// A real `openssl ocsp` responder for the PKI's intermediate.
    func startResponder(delegated: Bool = false, validity: OCSPResponseValidity = .minutes(60)) throws
        -> OCSPResponderProcess
    {
        try OCSPResponderProcess.start(
            pki: pki, signer: try pki.makeOCSPResponder(delegated: delegated), validity: validity)
    }

    /// A one-frontend config serving `certificates`, relaying to the backend.
    func config(_ certificates: [StapledConfigFile.Certificate], stapling: [String] = []) -> StapledConfigFile {
        StapledConfigFile(
            upstreamPort: backend.port, cacheDirectory: cacheDirectory, certificates: certificates, stapling: stapling)
    }

    func startDaemon(_ config: StapledConfigFile) throws -> StapledDaemon {
        try StapledDaemon.start(config: config, at: configPath)
    }

    func check(_ config: StapledConfigFile) throws -> CommandResult {
        try StapledDaemon.check(config: config, at: configPath)
    }

    /// One handshake that asks for a staple and verifies the chain against the root.
    func handshake(
        port: UInt16, serverName: String? = "localhost", version: TLSVersion? = nil,
        signatureAlgorithms: String? = nil
    ) throws -> TLSHandshakeInfo {
        let client = try TLSTestClient.connect(
            port: port,
            options: TLSClientOptions(
                serverName: serverName, minVersion: version, maxVersion: version, caFile: pki.rootCertificatePath,
                verifyHostname: serverName, requestOCSPStatus: true, signatureAlgorithms: signatureAlgorithms))
        defer { client.close() }
        return client.handshake
    }

    /// OpenSSL's verdict on a staple for `leaf`.
    func inspect(_ staple: [UInt8], for leaf: TestLeaf) throws -> StapleReport {
        try StapleReport.inspect(staple, leaf: leaf, pki: pki, in: workspace)
    }
}
