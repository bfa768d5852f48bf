import Foundation
import TestSupport

/// `Tests/Support/ocsp-fault-responder.py` as a child process (killed by PID when this object goes
/// away), answering for a PKI's intermediate; the mode can be switched at runtime.
final class FaultResponder {
    static let scriptPath = "\(StapledBinary.packageRoot)/Tests/Support/ocsp-fault-responder.py"

    let process: ChildProcess
    let port: UInt16
    private let directory: TemporaryDirectory
    private let controlFile: String

    var url: String { "http://127.0.0.1:\(port)/" }

    /// Starts the responder in `mode` (e.g. `good`, `slow:2`) and waits for its `LISTENING` line.
    init(pki: TestPKI, mode: String) throws {
        directory = try TemporaryDirectory(prefix: "ops-fault-responder")
        controlFile = directory.file("mode")
        process = try ChildProcess.start([
            "python3", Self.scriptPath, "--issuer", pki.intermediate.certificatePath, "--issuer-key",
            pki.intermediate.keyPath, "--mode", mode, "--control-file", controlFile,
        ])
        let line = try process.waitForOutput(containing: "LISTENING", in: .stdout, timeout: .seconds(20))
        guard let port = line.split(separator: " ").last.flatMap({ UInt16($0) }) else {
            throw TestSupportError(.protocolViolation, "fault responder start", "unexpected line \(line)")
        }
        self.port = port
    }

    /// Switches the mode for every later request.
    func setMode(_ mode: String) throws {
        try mode.write(toFile: controlFile, atomically: true, encoding: .utf8)
    }

    /// The responder's per-request log lines (`mode=... serial=... method=...`).
    var requestLog: [String] {
        process.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("mode=") }
    }

    deinit { _ = try? process.stop(grace: .seconds(1)) }
}
