import Foundation
import TestSupport

/// The real `stapled` binary started with a config file, as a child process (killed by PID when
/// this object goes away). Self-contained on purpose: IntegrationTests has its own helper.
///
/// `start` returns once the daemon logged `notice ready` (so start-up's wait for first staples is
/// over and connections are accepted) and every frontend's port is known from its
/// `info listening address=127.0.0.1:PORT frontend=NAME` line.
final class StapledDaemon {
    let process: ChildProcess
    let configPath: String
    /// The bound port of each frontend's (single) listen address.
    let ports: [String: UInt16]

    /// Writes `config` to `configPath` and starts `stapled -c configPath`; waits at most
    /// `readyTimeout` for `notice ready`.
    static func start(config: StapledConfigFile, at configPath: String, readyTimeout: Duration = .seconds(40))
        throws -> StapledDaemon
    {
        try config.text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = try ChildProcess.start([try StapledBinary.path(), "-c", configPath])
        do {
            try process.waitForOutput(containing: " notice ready ", timeout: readyTimeout)
        } catch {
            _ = try? process.stop(grace: .seconds(2))
            throw error
        }
        var ports: [String: UInt16] = [:]
        for line in process.stderr.split(separator: "\n") where line.contains(" info listening ") {
            let fields = Self.fields(of: String(line))
            if let frontend = fields["frontend"], let address = fields["address"],
                let port = address.split(separator: ":").last.flatMap({ UInt16($0) })
            {
                ports[frontend] = port
            }
        }
        return StapledDaemon(process: process, configPath: configPath, ports: ports)
    }

    private init(process: ChildProcess, configPath: String, ports: [String: UInt16]) {
        self.process = process
        self.configPath = configPath
        self.ports = ports
    }

    /// The port of `frontend`; throws when the daemon did not log one.
    func port(_ frontend: String = "web") throws -> UInt16 {
        guard let port = ports[frontend] else {
            throw TestSupportError(.notFound, "StapledDaemon.port(\(frontend))", "no listening line\n\(tail)")
        }
        return port
    }

    /// Everything logged so far (stderr).
    var log: String { process.stderr }

    /// The log lines that contain `needle`.
    func lines(containing needle: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(needle) }
    }

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

    /// The `key=value` fields of a log line (values may be double-quoted).
    static func fields(of line: String) -> [String: String] {
        var result: [String: String] = [:]
        var index = line.startIndex
        while index < line.endIndex {
            guard let equals = line[index...].firstIndex(of: "=") else { break }
            let keyStart = line[..<equals].lastIndex(of: " ").map { line.index(after: $0) } ?? line.startIndex
            let key = String(line[keyStart..<equals])
            var cursor = line.index(after: equals)
            var value = ""
            if cursor < line.endIndex, line[cursor] == "\"" {
                cursor = line.index(after: cursor)
                while cursor < line.endIndex, line[cursor] != "\"" {
                    if line[cursor] == "\\" { cursor = line.index(after: cursor) }
                    if cursor < line.endIndex { value.append(line[cursor]) }
                    cursor = line.index(after: cursor)
                }
                if cursor < line.endIndex { cursor = line.index(after: cursor) }
            } else {
                let end = line[cursor...].firstIndex(of: " ") ?? line.endIndex
                value = String(line[cursor..<end])
                cursor = end
            }
            result[key] = value
            index = cursor
        }
        return result
    }
}
