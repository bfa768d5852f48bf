import Foundation
import TestSupport

/// The real `stapled` binary run with one config file as a child process (killed by PID when this
/// object goes away). `init` returns once the daemon logged `notice ready`: start-up's wait for
/// first staples (cache, then an eager fetch when needed) is over and connections are accepted.
final class FaultDaemon {
    let process: ChildProcess
    /// The frontend's bound port (from `info listening address=127.0.0.1:PORT`).
    let port: UInt16

    /// Starts `stapled -c configPath` and waits at most `readyTimeout` for `notice ready`.
    init(configPath: String, readyTimeout: Duration = .seconds(30)) throws {
        process = try ChildProcess.startStapled(["-c", configPath], readyTimeout: readyTimeout)
        port = try process.listeningPort(frontend: "web")
    }

    /// Every log line so far.
    var lines: [LogLine] { process.stderr.split(separator: "\n").map { LogLine(String($0)) } }

    /// The log lines whose message is `message` (`OCSP fetch failed`, `ignoring cached staple`, ...).
    func lines(_ message: String) -> [LogLine] { lines.filter { $0.message == message } }

    /// Waits for a line containing `needle` (fetches after start-up run in the background).
    @discardableResult
    func waitForLine(containing needle: String, timeout: Duration = .seconds(15)) throws -> LogLine {
        LogLine(try process.waitForOutput(containing: needle, timeout: timeout))
    }

    /// The whole log, for failure messages.
    var log: String { process.stderr }

    /// A handshake that asks for a staple (status_request); returns the stapled response, if any.
    func stapledResponse(serverName: String) throws -> [UInt8]? {
        let options = TLSClientOptions(serverName: serverName, requestOCSPStatus: true, timeout: .seconds(10))
        let client = try TLSTestClient.connect(port: port, options: options)
        defer { client.close() }
        return client.handshake.stapledOCSPResponse
    }

    /// SIGTERM (SIGKILL after `grace`); returns the exit status.
    @discardableResult
    func stop(grace: Duration = .seconds(5)) throws -> Int32 { try process.stop(grace: grace) }

    deinit { _ = try? process.stop(grace: .seconds(2)) }
}
