/// What a `SinkServer` connection received before the client's EOF.
public struct SinkResult: Sendable, Equatable {
    public var byteCount: Int
    /// Lowercase hex SHA-256 of the bytes received.
    public var sha256: String

    public init(byteCount: Int, sha256: String) {
        self.byteCount = byteCount
        self.sha256 = sha256
    }
}

/// A TCP backend that reads until EOF, records the byte count and SHA-256, then writes `reply`
/// (if any) and closes: checks that a proxy delivers an upload completely and unchanged.
public final class SinkServer: Sendable {
    public let server: TCPTestServer
    public var port: UInt16 { server.port }
    private let recorded: LockedValue<[SinkResult]>

    public init(port: UInt16 = 0, reply: [UInt8]? = nil) throws {
        let recorded = LockedValue<[SinkResult]>([])
        self.recorded = recorded
        server = try TCPTestServer(name: "sink", port: port) { connection in
            let hasher = SHA256Hasher()
            var count = 0
            while true {
                let chunk = try connection.read()
                if chunk.isEmpty { break }
                count += chunk.count
                hasher.update(chunk)
            }
            let result = SinkResult(byteCount: count, sha256: hexString(hasher.finalize()))
            recorded.withLock { $0.append(result) }
            if let reply { try connection.write(reply) }
        }
    }

    /// Results of the connections that reached EOF so far, in completion order.
    public var results: [SinkResult] { recorded.value }

    /// Waits until `count` connections reached EOF and returns all results.
    public func waitForResults(count: Int = 1, timeout: Duration = .seconds(30)) throws -> [SinkResult] {
        let deadline = Deadline(after: timeout)
        while true {
            let current = results
            if current.count >= count { return current }
            if deadline.hasPassed {
                throw TestSupportError(.timedOut, "SinkServer.waitForResults(\(count))", "have \(current.count)")
            }
            sleepThread(.milliseconds(5))
        }
    }

    public func stop() { server.stop() }
}
