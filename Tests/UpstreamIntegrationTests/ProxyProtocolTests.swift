import Glibc
import Synchronization
import TestSupport
import Testing

extension UpstreamBinaryTests {
    /// `send_proxy v1|v2`: the backend learns the client's address and port. A real nginx
    /// (`listen ... proxy_protocol`) logs them; a raw backend decodes the v2 TLVs and finds what
    /// the handshake settled.
    @Suite struct ProxyProtocolTests {
        /// The client's own address as the daemon sees it: 127.0.0.1 and its source port.
        static func sourcePort(of client: TLSTestClient) throws -> UInt16 {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let rc = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getsockname(client.fileDescriptor, $0, &length)
                }
            }
            try #require(rc == 0)
            return UInt16(bigEndian: address.sin_port)
        }

        @Test(
            .enabled(if: NginxProcess.executable != nil, "needs nginx (scripts/install-deps.sh installs it)"),
            arguments: ["v1", "v2"])
        func nginxLogsTheOriginalClient(version: String) throws {
            let pki = try PoolPKI.shared()
            let nginx = try NginxProcess()
            defer { nginx.stop() }
            let daemon = try PoolDaemon(
                upstream: ["server 127.0.0.1:\(nginx.port);", "send_proxy \(version);"], frontend: ["alpn http/1.1;"],
                pki: pki)

            for _ in 0..<2 {
                let client = try TLSTestClient.connect(
                    port: daemon.port, options: pki.clientOptions(alpn: ["http/1.1"]))
                defer { client.close() }
                let port = try Self.sourcePort(of: client)
                try client.write("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")
                let response = String(decoding: try client.readToEOF(), as: UTF8.self)
                #expect(response.hasPrefix("HTTP/1.1 200 OK"), "\(response)")
                #expect(response.hasSuffix("client 127.0.0.1:\(port)\n"), "\(response)")
                try nginx.waitForAccessLog("127.0.0.1 \(port) via 127.0.0.1")
            }
            #expect(try daemon.stop() == 0)
        }

        @Test func v2CarriesTheTLSFacts() throws {
            let pki = try PoolPKI.shared()
            let received = ReceivedBytes()
            let backend = try TCPTestServer(name: "proxy-v2") { connection in
                // Read the header and the client's first bytes, then answer so the client knows.
                var bytes: [UInt8] = []
                while !bytes.ends(with: Array("hello".utf8)) {
                    let chunk = try connection.read()
                    if chunk.isEmpty { break }
                    bytes += chunk
                }
                received.bytes.withLock { $0 = bytes }
                try connection.write("ok")
            }
            defer { backend.stop() }
            let daemon = try PoolDaemon(
                upstream: ["server 127.0.0.1:\(backend.port);", "send_proxy v2;"], frontend: ["alpn h2 http/1.1;"],
                pki: pki)

            let client = try TLSTestClient.connect(port: daemon.port, options: pki.clientOptions(alpn: ["http/1.1"]))
            defer { client.close() }
            let port = try Self.sourcePort(of: client)
            try client.write("hello")
            #expect(try client.read(exactly: 2) == Array("ok".utf8))

            let bytes = received.bytes.withLock { $0 }
            let header = try #require(try ProxyProtocolParser.parse(bytes))
            #expect(
                Array(bytes[header.length...]) == Array("hello".utf8), "the header comes first, then the client's bytes"
            )
            #expect(header.command == .proxy && header.isIPv6 == false)
            #expect(header.sourceAddress == "127.0.0.1" && header.sourcePort == port)
            #expect(header.destinationAddress == "127.0.0.1" && header.destinationPort == daemon.port)
            #expect(header.text(0x01) == "http/1.1", "PP2_TYPE_ALPN: the protocol negotiated")
            #expect(header.text(0x02) == "a.test", "PP2_TYPE_AUTHORITY: the SNI name")
            #expect(header.ssl?.client == 0x01)
            #expect(header.sslText(0x21) == client.handshake.version)
            #expect(header.sslText(0x23) == client.handshake.cipher)
            client.close()
            #expect(try daemon.stop() == 0)
        }
    }
}

/// What a backend thread received, for the test thread to read.
private final class ReceivedBytes: Sendable {
    let bytes = Mutex<[UInt8]>([])
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
