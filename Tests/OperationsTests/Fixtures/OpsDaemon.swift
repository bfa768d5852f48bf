import Foundation
import TestSupport

/// The real `stapled` binary as a child process (killed by PID when this object goes away).
///
/// `start` waits for `notice ready` (start-up's wait for first staples is over and connections
/// are accepted) and reads each frontend's port from its `info listening` line.
final class OpsDaemon {
    let process: ChildProcess
    let configPath: String

    /// Starts `argv` (by default `stapled -c configPath`) with `environment` added to this
    /// process's environment, and waits at most `readyTimeout` for `notice ready`.
    static func start(
        configPath: String, environment: [String: String] = [:], argv: [String]? = nil,
        readyTimeout: Duration = .seconds(40)
    ) throws -> OpsDaemon {
        let command = try argv ?? [StapledBinary.path(), "-c", configPath]
        let process = try ChildProcess.start(
            command, environment: ChildProcess.inheritedEnvironment(adding: environment))
        let daemon = OpsDaemon(process: process, configPath: configPath)
        do {
            try process.waitForOutput(containing: " notice ready ", timeout: readyTimeout)
        } catch {
            _ = try? process.stop(grace: .seconds(2))
            throw error
        }
        return daemon
    }

    private init(process: ChildProcess, configPath: String) {
        self.process = process
        self.configPath = configPath
    }

    var pid: pid_t { process.pid }

    /// The bound port of `frontend`'s listen address (the last one logged, so a frontend added by
    /// a reload is found too).
    func port(_ frontend: String = "web") throws -> UInt16 {
        for line in lines(containing: " info listening ").reversed() {
            let fields = LogLine.fields(of: line)
            if fields["frontend"] == frontend, let address = fields["address"],
                let port = address.split(separator: ":").last.flatMap({ UInt16($0) })
            {
                return port
            }
        }
        throw TestSupportError(.notFound, "OpsDaemon.port(\(frontend))", "no listening line\n\(tail)")
    }

    /// Everything logged so far (stderr).
    var log: String { process.stderr }

    /// The log lines that contain `needle`.
    func lines(containing needle: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(needle) }
    }

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
    func reload(timeout: Duration = .seconds(30)) throws -> String {
        let offset = mark
        process.signal(SIGHUP)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let fresh = String(decoding: Array(process.stderr.utf8).dropFirst(offset), as: UTF8.self)
            if let line = fresh.split(separator: "\n").first(where: {
                $0.contains(" notice reloaded ") || $0.contains("reload failed")
            }) {
                return String(line)
            }
            if !process.isRunning || ContinuousClock.now >= deadline {
                throw TestSupportError(.timedOut, "OpsDaemon.reload", "no reload outcome after \(timeout)\n\(tail)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// The last lines of the log, for failure messages.
    var tail: String { process.outputTail(limit: 4_000) }

    /// SIGTERM, SIGKILL after `grace`; returns the exit status.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) throws -> Int32 { try process.stop(grace: grace) }
}

/// The `key=value` fields of a daemon log line (values may be double-quoted).
enum LogLine {
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
