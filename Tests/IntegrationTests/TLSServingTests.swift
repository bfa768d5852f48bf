import TestSupport
import Testing

extension StapledBinaryTests {
    /// Real clients (`openssl s_client`, `curl`) get the right leaf for their key type and TLS
    /// version from a frontend that holds an ECDSA and an RSA certificate for `a.test`.
    @Suite struct TLSServingTests {
        static let keyTypes: [TestKeyType] = [.ecdsaP256, .rsa2048]

        static func leaf(_ keyType: TestKeyType, in pki: IntegrationPKI) -> TestLeaf {
            keyType == .ecdsaP256 ? pki.ecdsa : pki.rsa
        }

        @Test(arguments: keyTypes, TLSVersion.allCases)
        func opensslClientGetsTheLeafOfItsKeyType(keyType: TestKeyType, version: TLSVersion) throws {
            let pki = try IntegrationPKI.shared()
            let backend = try HTTPTestServer()
            defer { backend.stop() }
            let daemon = try StapledProcess(
                StapledConfigFile(upstreamPorts: [backend.port], leaves: pki.frontendLeaves))

            let connection = try OpenSSLSClient.connect(
                port: daemon.port, serverName: "a.test", version: version,
                signatureAlgorithms: SignatureAlgorithms.offered(for: keyType), caFile: pki.rootPath)
            #expect(connection.status == 0, "\(connection.output)")
            #expect(connection.protocolVersion == version.rawValue, "\(connection.output)")
            #expect(connection.serial == Self.leaf(keyType, in: pki).serial, "\(connection.output)")
            #expect(try daemon.stop() == 0)
        }

        @Test(arguments: keyTypes, TLSVersion.allCases)
        func curlGetsTheLeafOfItsKeyTypeAndTheBackendsAnswer(keyType: TestKeyType, version: TLSVersion) throws {
            let pki = try IntegrationPKI.shared()
            let backend = try HTTPTestServer()
            defer { backend.stop() }
            let daemon = try StapledProcess(
                StapledConfigFile(upstreamPorts: [backend.port], leaves: pki.frontendLeaves))

            let connection = try Curl.get(
                port: daemon.port, serverName: "a.test", version: version,
                signatureAlgorithms: SignatureAlgorithms.offered(for: keyType), caFile: pki.rootPath,
                in: daemon.directory)
            #expect(connection.status == 0, "\(connection.output)")
            #expect(connection.httpStatus == 200, "\(connection.output)")
            #expect(connection.protocolVersion == version.rawValue, "\(connection.output)")
            #expect(connection.serial == Self.leaf(keyType, in: pki).serial, "\(connection.output)")
            #expect(backend.requests.map(\.requestLine) == ["GET / HTTP/1.1"])
            #expect(try daemon.stop() == 0)
        }
    }
}
