import Foundation
import TestSupport

/// `Tests/Support/ocsp-fault-responder.py` run as a child process (posix_spawn, empty signal mask,
/// killed by PID when this object goes away), answering for the fixture's intermediate CA.
final class FaultResponder: Sendable {
    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/ocsp-fault-responder.py").path

    let process: ChildProcess
    let port: Int
    let scheme: String
    let controlFile: String
    /// Holds the control file; removed when the responder goes away.
    private let directory: TemporaryDirectory

    /// `http://127.0.0.1:PORT/` (or `https://localhost:PORT/` when serving TLS).
    var url: String { scheme == "https" ? "https://localhost:\(port)/" : "http://127.0.0.1:\(port)/" }

    /// Starts the responder in `mode` and waits (20 s at most) for its `LISTENING` line.
    ///
    /// - Parameter tls: serve HTTPS with this leaf's chain and key.
    init(mode: String = "good", tls: TestLeaf? = nil, extraArguments: [String] = []) throws {
        let fixture = try TransportFixture.shared()
        directory = try TemporaryDirectory(prefix: "fault-responder")
        controlFile = directory.file("mode")
        var arguments = [
            "python3", Self.scriptPath, "--issuer", fixture.pki.intermediate.certificatePath, "--issuer-key",
            fixture.pki.intermediate.keyPath, "--mode", mode, "--control-file", controlFile,
        ]
        if let tls { arguments += ["--tls-cert", tls.chainPath, "--tls-key", tls.keyPath] }
        process = try ChildProcess.start(arguments + extraArguments)
        scheme = tls == nil ? "http" : "https"
        let line = try process.waitForOutput(containing: "LISTENING", in: .stdout, timeout: .seconds(20))
        guard let port = line.split(separator: " ").last.flatMap({ Int($0) }) else {
            throw TestSupportError(.protocolViolation, "fault responder start", "unexpected line \(line)")
        }
        self.port = port
    }

    /// Switches the mode for every later request (the responder re-reads the file per request).
    func setMode(_ mode: String) throws {
        try mode.write(toFile: controlFile, atomically: true, encoding: .utf8)
    }

    /// `GET /_stats` over plain HTTP: `requests`, `get` and `post` counters.
    func stats() throws -> [String: Int] {
        let stream = try TCPStream.connect(port: UInt16(port), timeout: .seconds(5))
        try stream.write("GET /_stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let text = String(decoding: try stream.readToEOF(), as: UTF8.self)
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
        var counters: [String: Int] = [:]
        for line in body.split(separator: "\n") {
            let parts = line.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { counters[String(parts[0])] = value }
        }
        return counters
    }

    /// The responder's per-request log lines (`mode=... serial=... method=...`).
    var requestLog: [String] { process.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("mode=") } }

    deinit { _ = try? process.stop(grace: .seconds(1)) }
}
