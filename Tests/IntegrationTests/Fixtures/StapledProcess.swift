import Foundation
import TestSupport

/// A running `stapled -c FILE`: writes the config into its own temp directory, starts the real
/// binary, waits for `ready` and reads the kernel-chosen port from the `listening` line.
///
/// Every wait has a deadline; the daemon is stopped with SIGTERM (then SIGKILL, by PID) by `stop()`
/// or, at the latest, when this object goes away.
final class StapledProcess {
    let child: ChildProcess
    let directory: TemporaryDirectory
    let configPath: String
    /// The port of the `web` frontend.
    let port: UInt16

    var pid: pid_t { child.pid }
    /// Everything the daemon has logged so far.
    var log: String { child.stderr }

    /// - Parameter logLevel: passed as `--log-level`; `debug` shows handshake and timeout events.
    init(_ config: StapledConfigFile, logLevel: String = "debug", startTimeout: Duration = .seconds(30)) throws {
        directory = try TemporaryDirectory(prefix: "stapled-it")
        configPath = try directory.write(config.text(cacheDirectory: directory.file("ocsp-cache")), to: "stapled.conf")
        child = try ChildProcess.startStapled(
            ["-c", configPath, "--log-level", logLevel], readyTimeout: startTimeout)
        port = try child.listeningPort(frontend: StapledConfigFile.frontendName)
    }

    /// Waits until the log (after byte `offset`) has a line containing `needle`; returns the line.
    @discardableResult
    func waitForLog(containing needle: String, after offset: Int = 0, timeout: Duration = .seconds(10)) throws
        -> String
    {
        try child.waitForOutput(containing: needle, in: .stderr, after: offset, timeout: timeout)
    }

    /// The current length of the log: pass it as `after:` to wait only for newer lines.
    func logMark() -> Int { child.mark(.stderr) }

    /// SIGTERM, waits for the graceful stop (SIGKILL after `grace`); returns the exit status.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) throws -> Int32 { try child.stop(grace: grace) }

    /// Open descriptors of the daemon (`/proc/PID/fd`).
    func openFileDescriptors() throws -> Int { try openFileDescriptorCount(pid: child.pid) }

    /// Open sockets of the daemon: its listeners and connections, without the descriptors the
    /// runtime opens lazily for itself (Dispatch's eventfd and timerfd, for example).
    func openSockets() -> Int { openFileDescriptorTargets().filter { $0.contains("socket:") }.count }

    /// What each open descriptor refers to (`socket:[INODE]`, a path, …), for failure messages.
    func openFileDescriptorTargets() -> [String] {
        let directory = "/proc/\(child.pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.map { entry in
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(entry)")) ?? "?"
            return "\(entry) → \(target)"
        }
    }

    deinit { _ = try? child.stop(grace: .seconds(3)) }
}
