import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, an empty signal mask and default signal
/// dispositions (unlike `Foundation.Process`, whose children inherit SIGTERM blocked when started
/// from Swift Testing), with stdout and stderr written to files in its own temp directory.
///
/// Guarantees: every wait has a deadline; a child still running when this object goes away is
/// killed (SIGKILL, by PID) and reaped; a child is reaped once and never signalled after that, so
/// a recycled PID is never hit.
public final class ChildProcess: Sendable {
    /// One of the child's output streams.
    public enum Stream: String, Sendable {
        case stdout, stderr
    }

    public let pid: pid_t
    /// The argument vector the child was started with.
    public let argv: [String]
    /// Holds `stdout.log` and `stderr.log` (and a one-shot command's stdin file).
    public let directory: TemporaryDirectory
    public let stdoutPath: String
    public let stderrPath: String

    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `argv` (`argv[0]` is a path, or a name looked up in `PATH`).
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil inherits this process's (see
    ///     `inheritedEnvironment(adding:)` to add a few variables).
    ///   - cwd: the child's working directory; nil keeps this process's.
    ///   - stdinFile: a file the child reads as stdin; nil gives it `/dev/null`.
    public static func start(
        _ argv: [String], environment: [String: String]? = nil, cwd: String? = nil, stdinFile: String? = nil
    ) throws -> ChildProcess {
        let name = argv.first.map { ($0 as NSString).lastPathComponent } ?? "child"
        let directory = try TemporaryDirectory(prefix: "proc-\(name)")
        return try ChildProcess(argv, environment: environment, cwd: cwd, stdinFile: stdinFile, directory: directory)
    }

    private init(
        _ argv: [String], environment: [String: String]?, cwd: String?, stdinFile: String?,
        directory: TemporaryDirectory
    ) throws {
        self.argv = argv
        self.directory = directory
        stdoutPath = directory.file("stdout.log")
        stderrPath = directory.file("stderr.log")
        let redirections = SpawnRedirections(
            stdinPath: stdinFile ?? "/dev/null", stdoutPath: stdoutPath, stderrPath: stderrPath)
        pid = try PosixSpawn.spawn(argv, environment: environment, cwd: cwd, redirections: redirections)
    }

    /// This process's environment with `extra` added (or overriding).
    public static func inheritedEnvironment(adding extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    }

    /// The exit status if the child has exited (128 + N if killed by signal N), reaping it if needed.
    public var exitCode: Int32? { reap() }

    public var isRunning: Bool { reap() == nil }

    /// Sends `signal` to the child; does nothing once it has been reaped.
    public func signal(_ signal: Int32) {
        exitStatus.withLock { status in
            if status == nil { _ = kill(pid, signal) }
        }
    }

    /// Waits until the child exits and returns its status (128 + N if killed by signal N).
    /// Throws `.timedOut` (the child keeps running) if it is still running after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration) throws -> Int32 {
        let deadline = Deadline(after: timeout)
        var interval = Duration.milliseconds(1)
        while true {
            if let status = reap() { return status }
            if deadline.hasPassed {
                throw TestSupportError(
                    .timedOut, "waitForExit(\(argv.joined(separator: " ")))",
                    "still running after \(timeout)\n\(outputTail())")
            }
            sleepThread(min(interval, deadline.remaining))
            interval = min(interval * 2, .milliseconds(20))
        }
    }

    /// Stops the child: SIGTERM, then SIGKILL if it is still running after `grace`; reaps it and
    /// returns its status. Throws only if the child survives SIGKILL for 10 s (a kernel problem).
    @discardableResult
    public func stop(grace: Duration = .seconds(3)) throws -> Int32 {
        if let status = reap() { return status }
        signal(SIGTERM)
        if let status = try? waitForExit(timeout: grace) { return status }
        signal(SIGKILL)
        return try waitForExit(timeout: .seconds(10))
    }

    /// Non-blocking `waitpid`; records and returns the status once the child has exited.
    private func reap() -> Int32? {
        exitStatus.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let rc = waitpid(pid, &raw, WNOHANG)
            if rc == pid {
                status = Self.decode(raw)
            } else if rc == -1 && errno == ECHILD {
                status = 255  // reaped elsewhere: report as an abnormal end rather than wait forever
            }
            return status
        }
    }

    /// WIFEXITED/WEXITSTATUS/WTERMSIG (macros that Swift does not import).
    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    deinit {
        let alreadyReaped = exitStatus.withLock { $0 != nil }
        if !alreadyReaped {
            kill(pid, SIGKILL)
            let deadline = Deadline(after: .seconds(10))
            var raw: Int32 = 0
            while waitpid(pid, &raw, WNOHANG) == 0 && !deadline.hasPassed { sleepThread(.milliseconds(2)) }
        }
    }
}
