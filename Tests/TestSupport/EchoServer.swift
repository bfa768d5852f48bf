/// A TCP backend that writes back everything it reads; at the client's EOF it half-closes its
/// own side (so a proxy's half-close handling is visible) and ends the connection.
public final class EchoServer: Sendable {
    public let server: TCPTestServer
    public var port: UInt16 { server.port }

    public init(port: UInt16 = 0) throws {
        server = try TCPTestServer(name: "echo", port: port) { connection in
            while true {
                let chunk = try connection.read()
                if chunk.isEmpty { break }
                try connection.write(chunk)
            }
            connection.shutdownWrite()
        }
    }

    public func stop() { server.stop() }
}
