import TestSupport

/// A TCP backend that greets each connection with its name and a newline, then echoes until the
/// client's EOF: a client learns which server the daemon chose.
final class NamedBackend: Sendable {
    let name: String
    let server: TCPTestServer
    var port: UInt16 { server.port }

    /// - Parameter port: 0 picks a free port; a former backend's port brings it back.
    init(_ name: String, port: UInt16 = 0) throws {
        self.name = name
        server = try TCPTestServer(name: "backend-\(name)", port: port) { connection in
            try connection.write(name + "\n")
            while true {
                let chunk = try connection.read()
                if chunk.isEmpty { break }
                try connection.write(chunk)
            }
        }
    }

    func stop() { server.stop() }
}

extension PoolPKI {
    /// One client connection through the daemon: the handshake, the backend's greeting, an echo
    /// of `payload` and a clean close. Returns the backend's name; throws on any failure.
    func greeting(through port: UInt16, payload: String = "ping") throws -> String {
        let client = try TLSTestClient.connect(port: port, options: clientOptions())
        defer { client.close() }
        var received: [UInt8] = []
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = try client.read()
            if chunk.isEmpty {
                throw TestSupportError(.protocolViolation, "backend greeting", "connection closed after \(received)")
            }
            received += chunk
        }
        let name = String(decoding: received.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        try client.write(payload)
        let echoed = try client.read(exactly: payload.utf8.count)
        guard echoed == Array(payload.utf8) else {
            throw TestSupportError(.protocolViolation, "echo through \(name)", "got \(echoed)")
        }
        try client.shutdownWrite()
        _ = try client.readToEOF()
        return name
    }
}
