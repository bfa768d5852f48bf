import Synchronization
import TestSupport

/// A TCP backend that sends a greeting and half-closes at once, then reads the client's upload to
/// its end and records its size and digest: the backend ends its side first.
final class GreetThenSinkServer: Sendable {
    let server: TCPTestServer
    let greeting: [UInt8]
    private let recorder: Recorder

    var port: UInt16 { server.port }

    private final class Recorder: Sendable {
        let upload = Mutex<SinkResult?>(nil)
    }

    init(greeting: [UInt8]) throws {
        let recorder = Recorder()
        self.recorder = recorder
        self.greeting = greeting
        server = try TCPTestServer(name: "greet-sink") { connection in
            try connection.write(greeting)
            connection.shutdownWrite()
            let hasher = SHA256Hasher()
            var count = 0
            while true {
                let chunk = try connection.read()
                if chunk.isEmpty { break }
                hasher.update(chunk)
                count += chunk.count
            }
            let result = SinkResult(byteCount: count, sha256: hexString(hasher.finalize()))
            recorder.upload.withLock { $0 = result }
        }
    }

    /// What a connection uploaded, once it reached its end.
    func waitForUpload(timeout: Duration) throws -> SinkResult {
        _ = readRepeatedly(until: true, timeout: timeout) { recorder.upload.withLock { $0 != nil } }
        guard let upload = recorder.upload.withLock({ $0 }) else {
            throw TestSupportError(.timedOut, "GreetThenSinkServer", "no complete upload after \(timeout)")
        }
        return upload
    }
}
