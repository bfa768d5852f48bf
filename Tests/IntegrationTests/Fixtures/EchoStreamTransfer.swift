import Synchronization
import TestSupport

/// A TLS client on its own thread that streams pseudo-random blocks through the daemon to an
/// echo backend and reads each one back, until told to finish: a transfer that is certainly still
/// running while a test does something else beside it.
final class EchoStreamTransfer: Sendable {
    /// What went through, each way, by the time the transfer finished.
    struct Outcome: Sendable {
        var sentBytes: Int
        var receivedBytes: Int
        var sentSHA256: String
        var receivedSHA256: String
        /// How the daemon ended the connection after the client's close_notify.
        var end: String
    }

    private final class Progress: Sendable {
        let echoedBytes = Atomic(0)
        let finishRequested = Atomic(false)
    }

    private let progress = Progress()
    private let work: BackgroundWork<Outcome>

    init(port: UInt16, options: TLSClientOptions, blockSize: Int = 32 * 1024) {
        let progress = progress
        work = BackgroundWork(name: "echo-stream") {
            let client = try TLSTestClient.connect(port: port, options: options)
            defer { client.close() }
            let pattern = PseudoRandomBytes.generate(count: blockSize * 32, seed: 2_024)
            let sent = SHA256Hasher()
            let received = SHA256Hasher()
            var outcome = Outcome(sentBytes: 0, receivedBytes: 0, sentSHA256: "", receivedSHA256: "", end: "")
            var index = 0
            while !progress.finishRequested.load(ordering: .acquiring) {
                // Each block differs (its index up front), so a lost or repeated block changes the digest.
                let offset = (index % 32) * blockSize
                var block = Array(pattern[offset..<offset + blockSize])
                withUnsafeBytes(of: UInt64(index).littleEndian) { block.replaceSubrange(0..<8, with: $0) }
                try client.write(block)
                sent.update(block)
                outcome.sentBytes += block.count
                let echoed = try client.read(exactly: blockSize)
                received.update(echoed)
                outcome.receivedBytes += echoed.count
                progress.echoedBytes.store(outcome.receivedBytes, ordering: .releasing)
                if echoed.count < blockSize { break }
                index += 1
            }
            try client.shutdownWrite()
            let trailing = try client.readToEOF()
            outcome.receivedBytes += trailing.count
            received.update(trailing)
            outcome.end = client.receivedCloseNotify ? "close_notify" : "EOF without close_notify"
            outcome.sentSHA256 = hexString(sent.finalize())
            outcome.receivedSHA256 = hexString(received.finalize())
            return outcome
        }
    }

    /// Bytes echoed back so far.
    var echoedBytes: Int { progress.echoedBytes.load(ordering: .acquiring) }

    /// Waits until at least `bytes` have been echoed (the transfer is under way).
    func waitForEchoed(atLeast bytes: Int, timeout: Duration) throws {
        let reached = readRepeatedly(until: true, timeout: timeout) { echoedBytes >= bytes }
        if !reached {
            // A transfer that failed reports its own error rather than a timeout.
            do { _ = try work.wait(timeout: .milliseconds(1)) } catch is BackgroundWorkTimedOut {}
            throw TestSupportError(.timedOut, "EchoStreamTransfer", "only \(echoedBytes) bytes echoed after \(timeout)")
        }
    }

    /// Asks the transfer to end after its current block, and returns what went through.
    func finish(timeout: Duration = .seconds(60)) throws -> Outcome {
        progress.finishRequested.store(true, ordering: .releasing)
        return try work.wait(timeout: timeout)
    }
}
