/// A TCP backend that sends `byteCount` deterministic pseudo-random bytes to every client, then
/// half-closes and waits for the client's EOF before closing (so unread input never turns the
/// close into a reset that could cut the data short).
public final class SourceServer: Sendable {
    public let server: TCPTestServer
    public var port: UInt16 { server.port }
    public let byteCount: Int
    /// Lowercase hex SHA-256 of the bytes each client receives.
    public let sha256: String

    public init(port: UInt16 = 0, byteCount: Int, seed: UInt64 = 42) throws {
        let data = PseudoRandomBytes.generate(count: byteCount, seed: seed)
        self.byteCount = byteCount
        sha256 = sha256Hex(data)
        server = try TCPTestServer(name: "source", port: port) { connection in
            var offset = 0
            while offset < data.count {
                let end = min(offset + 65_536, data.count)
                try connection.write(Array(data[offset..<end]))
                offset = end
            }
            connection.shutdownWrite()
            while !(try connection.read()).isEmpty {}
        }
    }

    public func stop() { server.stop() }
}
