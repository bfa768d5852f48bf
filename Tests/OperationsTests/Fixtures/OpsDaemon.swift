import Foundation
import TestSupport

/// The real `stapled` binary as a child process (killed by PID when this object goes away).
///
/// `start` waits for `notice ready` (start-up's wait for first staples is over and connections
/// are accepted); `port` reads a frontend's port from its `info listening` line.
final class OpsDaemon {
    let process: ChildProcess
    let configPath: String

    /// Starts `argv` (by default `stapled -c configPath`) with `environment` added to this
    /// process's environment, and waits at most `readyTimeout` for `notice ready`.
    static func start(
        configPath: String, environment: [String: String] = [:], argv: [String]? = nil,
        readyTimeout: Duration = .seconds(40)
    ) throws -> OpsDaemon {
        let process = try ChildProcess.startStapled(
            ["-c", configPath], command: argv, environment: environment, readyTimeout: readyTimeout)
        return OpsDaemon(process: process, configPath: configPath)
    }

    private init(process: ChildProcess, configPath: String) {
        self.process = process
        self.configPath = configPath
    }

    var pid: pid_t { process.pid }

    /// The bound port of `frontend`'s listen address (the last one logged, so a frontend added by
    /// a reload is found too).
    func port(_ frontend: String = "web") throws -> UInt16 { try process.listeningPort(frontend: frontend) }

    /// Everything logged so far (stderr).
    var log: String { process.stderr }

    /// The log lines that contain `needle`.
    func lines(containing needle: String) -> [String] { process.lines(containingAll: [needle]) }

    /// The size of the log now: pass it as `after:` to wait only for newer lines.
    var mark: Int { process.mark(.stderr) }

    /// Waits for a log line with `needle` (after byte offset `after`), or throws with the log tail.
    @discardableResult
    func waitForLog(containing needle: String, after offset: Int = 0, timeout: Duration = .seconds(30)) throws
        -> String
    {
        try process.waitForOutput(containing: needle, in: .stderr, after: offset, timeout: timeout)
    }

    /// Sends SIGHUP and waits for the reload's outcome (`notice reloaded` or `reload failed`).
    @discardableResult
    func reload(timeout: Duration = .seconds(30)) throws -> String { try process.reloadStapled(timeout: timeout) }

    /// The last lines of the log, for failure messages.
    var tail: String { process.outputTail(limit: 4_000) }

    /// SIGTERM, SIGKILL after `grace`; returns the exit status.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) throws -> Int32 { try process.stop(grace: grace) }
}
