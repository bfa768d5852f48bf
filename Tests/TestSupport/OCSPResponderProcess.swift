import Foundation
import Synchronization

/// How long the responses of an `openssl ocsp` responder are valid (its nextUpdate).
public enum OCSPResponseValidity: Sendable {
    /// `-nmin N`: nextUpdate N minutes after thisUpdate.
    case minutes(Int)
    /// `-ndays N`.
    case days(Int)
    /// Neither flag: responses carry no nextUpdate.
    case noNextUpdate

    var arguments: [String] {
        switch self {
        case .minutes(let minutes): ["-nmin", String(minutes)]
        case .days(let days): ["-ndays", String(days)]
        case .noNextUpdate: []
        }
    }
}

/// A real `openssl ocsp` responder answering from an `index.txt`, run as a child process.
///
/// The port: `openssl ocsp -port 0` binds `[::]:<free port>` and prints `ACCEPT [::]:PORT PID=…`
/// as its first stdout line (flushed), which `start` waits for; nothing probes the port (a bare
/// TCP connect can wedge the single-threaded responder). Two ways to get a port into a leaf's AIA:
///
/// 1. Start the responder first (port 0), issue leaves with `url`, then call `reloadIndex()`.
/// 2. Reserve a port with `freeLoopbackPort()`, issue leaves with `http://127.0.0.1:PORT`, then
///    `start(…, port: PORT)`; a bind failure ("Address already in use") is retried for ~2 s.
///
/// `openssl ocsp` re-reads `index.txt` only when it loops back to accept the next connection, so
/// the first request after a change (new leaf, `revoke`) would get the old answer:
/// `reloadIndex()` sends one throwaway request so every later one sees the current index.
public final class OCSPResponderProcess: Sendable {
    public let port: UInt16
    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }
    /// The issuing CA certificate the responder answers for (`-CA`).
    public let issuerCertificatePath: String
    private let arguments: [String]
    private let current: Mutex<ChildProcess>

    /// Starts a responder for the leaves of `pki`'s intermediate.
    public static func start(
        pki: TestPKI, signer: OCSPSigner, port: UInt16 = 0, validity: OCSPResponseValidity = .minutes(60),
        extraArguments: [String] = []
    ) throws -> OCSPResponderProcess {
        try start(
            indexPath: pki.indexPath, issuerCertificatePath: pki.intermediate.certificatePath,
            signerCertificatePath: signer.certificatePath, signerKeyPath: signer.keyPath, port: port,
            validity: validity, extraArguments: extraArguments)
    }

    /// Starts `openssl ocsp -index … -port … -rsigner … -rkey … -CA …` and waits (10 s at most)
    /// for its ACCEPT line.
    public static func start(
        indexPath: String, issuerCertificatePath: String, signerCertificatePath: String, signerKeyPath: String,
        port: UInt16 = 0, validity: OCSPResponseValidity = .minutes(60), extraArguments: [String] = []
    ) throws -> OCSPResponderProcess {
        let base =
            [
                "openssl", "ocsp", "-index", indexPath, "-rsigner", signerCertificatePath, "-rkey", signerKeyPath,
                "-CA", issuerCertificatePath,
            ] + validity.arguments + extraArguments
        let (process, boundPort) = try launch(base, port: port)
        return OCSPResponderProcess(
            process: process, port: boundPort, issuerCertificatePath: issuerCertificatePath, arguments: base)
    }

    private init(process: ChildProcess, port: UInt16, issuerCertificatePath: String, arguments: [String]) {
        current = Mutex(process)
        self.port = port
        self.issuerCertificatePath = issuerCertificatePath
        self.arguments = arguments
    }

    /// The running `openssl ocsp` child (replaced by `restart()`).
    public var process: ChildProcess { current.withLock { $0 } }

    /// Requests received so far by the current process (from its "Received request" log lines).
    public var requestCount: Int {
        process.stderr.components(separatedBy: "Received request").count - 1
    }

    /// Makes the responder re-read `index.txt` before it answers anyone else, by sending it one
    /// request (for serial 1) and waiting for the answer.
    public func reloadIndex(timeout: Duration = .seconds(10)) throws {
        try ChildProcess.runChecked(
            [
                "openssl", "ocsp", "-issuer", issuerCertificatePath, "-serial", "0x1", "-url", url, "-no_nonce",
                "-noverify",
            ], timeout: timeout)
    }

    /// Stops the responder and starts it again on the same port (with a fresh index and log).
    public func restart() throws {
        try current.withLock { process in
            try process.stop()
            process = try Self.launch(arguments, port: port).process
        }
    }

    /// Stops the responder (SIGTERM, then SIGKILL after 3 s). Later requests are refused.
    public func stop() { _ = try? process.stop() }

    private static func launch(_ base: [String], port: UInt16) throws -> (process: ChildProcess, port: UInt16) {
        let deadline = Deadline(after: .seconds(2))
        while true {
            let process = try ChildProcess.start(base + ["-port", String(port)])
            do {
                let line = try process.waitForOutput(containing: "ACCEPT", in: .stdout, timeout: .seconds(10))
                guard let boundPort = parsePort(line) else {
                    throw TestSupportError(.protocolViolation, "openssl ocsp", "unexpected first line: \(line)")
                }
                return (process, boundPort)
            } catch let error as TestSupportError where error.code == .exitedEarly {
                let busy = process.stderr.contains("Address already in use")
                guard busy && port != 0 && !deadline.hasPassed else { throw error }
                sleepThread(.milliseconds(100))
            }
        }
    }

    /// The port of `ACCEPT [::]:PORT PID=…` (or `ACCEPT 0.0.0.0:PORT …`).
    static func parsePort(_ line: String) -> UInt16? {
        guard let address = line.split(separator: " ").dropFirst().first,
            let colon = address.lastIndex(of: ":")
        else { return nil }
        return UInt16(address[address.index(after: colon)...])
    }
}
