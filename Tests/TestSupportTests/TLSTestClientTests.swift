import TestSupport
import Testing

/// `openssl s_server` as the peer: serves `leaves` (the first with `-cert`, a second with
/// `-dcert`), staples `staple` if given, reverses each line it receives (`-rev`).
private final class SServer {
    let process: ChildProcess
    let port: UInt16

    init(pki: TestPKI, leaves: [TestLeaf], staple: String? = nil, extra: [String] = []) throws {
        var argv = [
            "openssl", "s_server", "-accept", "0", "-cert", leaves[0].certificatePath, "-key", leaves[0].keyPath,
            "-cert_chain", pki.intermediate.certificatePath, "-rev", "-alpn", "h2,http/1.1",
        ]
        if leaves.count > 1 {
            argv += ["-dcert", leaves[1].certificatePath, "-dkey", leaves[1].keyPath]
            argv += ["-dcert_chain", pki.intermediate.certificatePath]
        }
        if let staple { argv += ["-status_file", staple] }
        process = try ChildProcess.start(argv + extra)
        let line = try process.waitForOutput(containing: "ACCEPT", in: .stdout)
        port = try #require(line.split(separator: ":").last.flatMap { UInt16($0) })
    }

    deinit { _ = try? process.stop() }
}

@Suite("TLSTestClient", .serialized)
struct TLSTestClientTests {
    @Test func handshakeReportsPeerStapleAndALPN() throws {
        let pki = try TestPKI()
        let leaf = try pki.makeLeaf(name: "localhost", sans: ["localhost", "127.0.0.1"], ocspURL: "http://127.0.0.1:9")
        let staple = try pki.makeOCSPResponse(for: leaf)
        let server = try SServer(pki: pki, leaves: [leaf], staple: try pki.directory.write(staple, to: "staple.der"))

        let client = try TLSTestClient.connect(
            port: server.port,
            options: TLSClientOptions(
                serverName: "localhost", caFile: pki.rootCertificatePath, verifyHostname: "localhost",
                requestOCSPStatus: true, alpn: ["h2"]))
        #expect(client.handshake.version == "TLSv1.3")
        #expect(client.handshake.alpn == "h2")
        #expect(client.handshake.verifyResult == 0)
        #expect(client.handshake.peerCertificate?.commonName == "localhost")
        #expect(client.handshake.peerCertificate?.serial == leaf.serial)
        #expect(client.handshake.peerCertificate?.subjectAlternativeNames == ["localhost", "127.0.0.1"])
        #expect(client.handshake.peerChainSubjects.count == 2)
        #expect(client.handshake.stapledOCSPResponse == staple)

        // Half-close: after sending close_notify, the reply can still be read.
        try client.write("hello\n")
        try client.shutdownWrite()
        #expect(String(decoding: try client.read(exactly: 6), as: UTF8.self) == "olleh\n")
        #expect(try client.readToEOF().isEmpty)
        #expect(client.receivedCloseNotify)
        client.close()
    }

    @Test func noStapleUnlessRequested() throws {
        let pki = try TestPKI()
        let leaf = try pki.makeLeaf(name: "localhost")
        let staple = try pki.directory.write(try pki.makeOCSPResponse(for: leaf), to: "staple.der")
        let server = try SServer(pki: pki, leaves: [leaf], staple: staple)
        let client = try TLSTestClient.connect(port: server.port, options: TLSClientOptions(serverName: "localhost"))
        #expect(client.handshake.stapledOCSPResponse == nil)
    }

    @Test(arguments: TLSVersion.allCases)
    func pinsTheProtocolVersion(version: TLSVersion) throws {
        let pki = try TestPKI()
        let server = try SServer(pki: pki, leaves: [try pki.makeLeaf(name: "localhost")])
        let client = try TLSTestClient.connect(
            port: server.port, options: TLSClientOptions(minVersion: version, maxVersion: version))
        #expect(client.handshake.version == version.rawValue)
    }

    @Test(arguments: [TLSVersion.tls12, .tls13])
    func signatureAlgorithmsSelectTheServersCertificate(version: TLSVersion) throws {
        let pki = try TestPKI()
        let ecdsa = try pki.makeLeaf(name: "localhost", keyType: .ecdsaP256)
        let rsa = try pki.makeLeaf(name: "localhost", keyType: .rsa2048)
        let server = try SServer(pki: pki, leaves: [rsa, ecdsa])
        for (algorithms, expected) in [(TLSClientOptions.ecdsaOnly, ecdsa), (TLSClientOptions.rsaOnly, rsa)] {
            let client = try TLSTestClient.connect(
                port: server.port,
                options: TLSClientOptions(minVersion: version, maxVersion: version, signatureAlgorithms: algorithms))
            #expect(client.handshake.peerCertificate?.serial == expected.serial)
            client.close()
        }
    }

    @Test func anUntrustedServerFailsTheHandshakeWithTheReason() throws {
        let pki = try TestPKI()
        let other = try TestPKI()
        let server = try SServer(pki: pki, leaves: [try pki.makeLeaf(name: "localhost")])
        let error = #expect(throws: TestSupportError.self) {
            try TLSTestClient.connect(port: server.port, options: TLSClientOptions(caFile: other.rootCertificatePath))
        }
        #expect(error?.detail.contains("certificate verify failed") == true)
    }
}
