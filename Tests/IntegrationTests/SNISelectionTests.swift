import TestSupport
import Testing

extension StapledBinaryTests {
    /// SNI picks among the frontend's certificates (`a.test` ECDSA+RSA, `b.test`, `*.wild.test`);
    /// a name nothing covers, or no SNI at all, gets the default: the first certificate.
    @Suite struct SNISelectionTests {
        /// Which of `IntegrationPKI`'s leaves a client must be served.
        enum Served: String, Sendable {
            case defaultLeaf, b, wildcard

            func leaf(in pki: IntegrationPKI) -> TestLeaf {
                switch self {
                case .defaultLeaf: pki.ecdsa
                case .b: pki.b
                case .wildcard: pki.wildcard
                }
            }
        }

        struct Case: Sendable, CustomTestStringConvertible {
            var serverName: String?
            var served: Served
            var testDescription: String { "SNI \(serverName ?? "none") → \(served.rawValue)" }
        }

        static let cases: [Case] = [
            Case(serverName: "a.test", served: .defaultLeaf),
            Case(serverName: "b.test", served: .b),
            Case(serverName: "B.Test", served: .b),
            Case(serverName: "x.wild.test", served: .wildcard),
            Case(serverName: "x.y.wild.test", served: .defaultLeaf),
            Case(serverName: "unknown.test", served: .defaultLeaf),
            Case(serverName: nil, served: .defaultLeaf),
        ]

        @Test(arguments: cases, TLSVersion.allCases)
        func serverNamePicksTheCertificate(_ sni: Case, version: TLSVersion) throws {
            let pki = try IntegrationPKI.shared()
            let backend = try EchoServer()
            defer { backend.stop() }
            let daemon = try StapledProcess(
                StapledConfigFile(upstreamPorts: [backend.port], leaves: pki.frontendLeaves))

            let connection = try OpenSSLSClient.connect(
                port: daemon.port, serverName: sni.serverName, version: version,
                signatureAlgorithms: SignatureAlgorithms.offered(for: .ecdsaP256), caFile: pki.rootPath)
            #expect(connection.status == 0, "\(connection.output)")
            #expect(connection.serial == sni.served.leaf(in: pki).serial, "\(connection.output)")
        }
    }
}
