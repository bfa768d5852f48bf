import Foundation
import TestSupport
import Testing

extension HTTPModeSuite {
    /// After a 101 the connection is a raw tunnel both ways, as in `mode tcp`.
    @Suite struct UpgradeTests {
        /// A masked WebSocket text frame (RFC 6455 §5.2) as a client sends it.
        static func clientFrame(_ text: String, mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]) -> [UInt8] {
            let payload = Array(text.utf8)
            precondition(payload.count < 126)
            return [0x81, 0x80 | UInt8(payload.count)] + mask
                + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        }

        @Test func webSocketUpgradeEchoes() throws {
            let backend = try RecordingBackend { request in
                guard request.fields.value("upgrade") == "websocket" else { return .ok }
                return .switchProtocols(headers: [
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                ])
            }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            let first = Self.clientFrame("hello")
            // The first frame travels right behind the request: it must reach the backend after it.
            try client.send(
                Array(
                    ("GET /chat HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
                    + first)
            let switching = try client.readResponse()
            #expect(switching.status == 101)
            #expect(switching.fields.value("upgrade") == "websocket")
            #expect(switching.fields.value("connection")?.lowercased() == "upgrade")
            #expect(switching.fields.value("sec-websocket-accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            #expect(try client.stream.read(exactly: first.count) == first)
            for index in 0..<20 {
                let frame = Self.clientFrame("message \(index)")
                try client.send(frame)
                #expect(try client.stream.read(exactly: frame.count) == frame)
            }
            // 2 MiB in 64 KiB blocks, each echoed before the next (one SSL object: no concurrent
            // read and write).
            let block = PseudoRandomBytes.generate(count: 64 * 1024, seed: 9)
            for _ in 0..<32 {
                try client.send(block)
                #expect(try client.stream.read(exactly: block.count) == block)
            }
            let request = try #require(backend.requests.first)
            #expect(request.fields.value("upgrade") == "websocket")
            #expect(request.fields.value("connection") == "upgrade")
            #expect(request.fields.value("sec-websocket-key") == "dGhlIHNhbXBsZSBub25jZQ==")
            // The client's close_notify half-closes towards the backend, whose close ends the tunnel.
            try client.tls.shutdownWrite()
            #expect(client.waitForClose())
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func aRefusedUpgradeIsAnOrdinaryResponse() throws {
            let backend = try RecordingBackend { _ in .respond(status: 426, body: Array("no".utf8)) }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let client = try daemon.connect()
            let refused = try client.get("/chat", ["Upgrade: websocket", "Connection: Upgrade"])
            #expect(refused.status == 426)
            #expect(try client.get("/again").status == 426, "the connection stays HTTP")
            client.close()
            #expect(try daemon.stop() == 0)
        }

        @Test func a101WithoutAnUpgradeRequestIs502() throws {
            let backend = try RecordingBackend { _ in .switchProtocols(headers: ["Upgrade: websocket"]) }
            let daemon = try HTTPModeDaemon(upstreamPorts: [backend.port])
            let mark = daemon.logMark()
            let client = try daemon.connect()
            #expect(try client.get("/").status == 502)
            try daemon.waitForLog(containing: "invalid upstream response; answered 502", after: mark)
            client.close()
            #expect(try daemon.stop() == 0)
        }
    }
}
