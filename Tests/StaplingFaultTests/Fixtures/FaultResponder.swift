import Foundation
import TestSupport

/// `Tests/Support/ocsp-fault-responder.py` as a child process (killed by PID when this object goes
/// away), answering for the shared fixture's intermediate CA. Its mode comes from a control file
/// that the responder reads before every request, so a test switches faults without a restart.
final class FaultResponder: Sendable {
    static let scriptPath = "\(StapledBinary.packageRoot)/Tests/Support/ocsp-fault-responder.py"

    let process: ChildProcess
    let port: UInt16
    let controlFile: String
    private let directory: TemporaryDirectory

    /// `http://127.0.0.1:PORT/`: the AIA OCSP URL of the certificates under test.
    var url: String { "http://127.0.0.1:\(port)/" }

    /// Starts the responder in `mode` and waits (20 s at most) for its `LISTENING` line.
    init(mode: String = "good", extraArguments: [String] = []) throws {
        let pki = try FaultFixture.shared().pki
        directory = try TemporaryDirectory(prefix: "faults-responder")
        controlFile = directory.file("mode")
        try mode.write(toFile: controlFile, atomically: true, encoding: .utf8)
        process = try ChildProcess.start(
            [
                "python3", Self.scriptPath, "--issuer", pki.intermediate.certificatePath, "--issuer-key",
                pki.intermediate.keyPath, "--mode", mode, "--control-file", controlFile,
            ] + extraArguments)
        let line = try process.waitForOutput(containing: "LISTENING", in: .stdout, timeout: .seconds(20))
        guard let port = line.split(separator: " ").last.flatMap({ UInt16($0) }) else {
            throw TestSupportError(.protocolViolation, "fault responder start", "unexpected line \(line)")
        }
        self.port = port
    }

    /// Switches the mode for every later request (atomically: a request sees the old or the new one).
    func setMode(_ mode: String) throws {
        try mode.write(toFile: controlFile, atomically: true, encoding: .utf8)
    }

    /// The responder's per-request log lines (`mode=... serial=... method=... status=...`).
    var requests: [String] {
        process.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("mode=") }
    }

    /// Stops the responder: its port then refuses connections.
    func stop() throws { try process.stop(grace: .seconds(2)) }

    deinit { _ = try? process.stop(grace: .seconds(1)) }
}
