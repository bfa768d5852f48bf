import Foundation
import TestSupport

/// The real `stapled` binary started with a config file, as a child process (killed by PID when
/// this object goes away).
///
/// `start` returns once the daemon logged `notice ready` (so start-up's wait for first staples is
/// over and connections are accepted); `port` reads a frontend's port from its
/// `info listening address=127.0.0.1:PORT frontend=NAME` line.
final class StapledDaemon {
    let process: ChildProcess
    let configPath: String

    /// Writes `config` to `configPath` and starts `stapled -c configPath`; waits at most
    /// `readyTimeout` for `notice ready`.
    static func start(config: StapledConfigFile, at configPath: String, readyTimeout: Duration = .seconds(40))
        throws -> StapledDaemon
    {
        try config.text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = try ChildProcess.startStapled(["-c", configPath], readyTimeout: readyTimeout)
        return StapledDaemon(process: process, configPath: configPath)
    }

    private init(process: ChildProcess, configPath: String) {
        self.process = process
        self.configPath = configPath
    }

    /// The port of `frontend`; throws when the daemon did not log one.
    func port(_ frontend: String = "web") throws -> UInt16 { try process.listeningPort(frontend: frontend) }

    /// Everything logged so far (stderr).
    var log: String { process.stderr }

    /// The log lines that contain `needle`.
    func lines(containing needle: String) -> [String] { process.lines(containingAll: [needle]) }

    /// Waits for a log line with `needle` (after byte offset `after`), or throws with the log tail.
    @discardableResult
    func waitForLog(containing needle: String, after offset: Int = 0, timeout: Duration) throws -> String {
        try process.waitForOutput(containing: needle, in: .stderr, after: offset, timeout: timeout)
    }

    /// The last lines of the log, for failure messages.
    var tail: String { process.outputTail(limit: 4_000) }

    /// SIGTERM, SIGKILL after `grace`; returns the exit status.
    @discardableResult
    func stop(grace: Duration = .seconds(5)) throws -> Int32 { try process.stop(grace: grace) }

    /// `stapled -t -c configPath`, after writing `config` there.
    static func check(config: StapledConfigFile, at configPath: String) throws -> CommandResult {
        try config.text.write(toFile: configPath, atomically: true, encoding: .utf8)
        return try ChildProcess.run([try StapledBinary.path(), "-t", "-c", configPath], timeout: .seconds(30))
    }
}
