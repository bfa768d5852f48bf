import Foundation
import TestSupport

/// A running `stapled -c FILE` with one upstream `app` (the given lines) and one frontend `web` on
/// `127.0.0.1:0` in `mode tcp`; waits for `ready` and reads the port from the `listening` line.
/// Stopped with SIGTERM (then SIGKILL, by PID) by `stop()` or when it goes away.
final class PoolDaemon {
    let child: ChildProcess
    let directory: TemporaryDirectory
    let port: UInt16

    /// - Parameters:
    ///   - upstream: directives of the `upstream app { }` block, e.g. `server 127.0.0.1:8080;`.
    ///   - frontend: extra directives of the frontend, e.g. `alpn http/1.1;`.
    init(workers: Int = 1, upstream: [String], frontend: [String] = [], pki: PoolPKI) throws {
        directory = try TemporaryDirectory(prefix: "pool-it")
        let text =
            ([
                "workers \(workers);", "stapling {",
                "    cache_dir \(StapledConfigText.quoted(directory.file("ocsp")));", "}",
            ]
            + ["upstream app {"] + upstream.map { "    " + $0 } + ["}"]
            + ["frontend web {", "    listen 127.0.0.1:0;", "    mode tcp;", "    upstream app;"]
            + [
                "    certificate \(StapledConfigText.quoted(pki.leaf.chainPath)) \(StapledConfigText.quoted(pki.leaf.keyPath));"
            ]
            + frontend.map { "    " + $0 } + ["}"]).joined(separator: "\n") + "\n"
        let path = try directory.write(text, to: "stapled.conf")
        child = try ChildProcess.startStapled(["-c", path, "--log-level", "debug"])
        port = try child.listeningPort(frontend: "web")
    }

    var log: String { child.stderr }

    /// The current length of the log: pass it as `after:` to wait only for newer lines.
    func logMark() -> Int { child.mark(.stderr) }

    /// Waits until a log line after `offset` contains every one of `needles`; returns it.
    @discardableResult
    func waitForLog(containing needles: [String], after offset: Int = 0, timeout: Duration = .seconds(10)) throws
        -> String
    {
        try child.waitForLine(containingAll: needles, after: offset, timeout: timeout)
    }

    /// Log lines after `offset` that contain every one of `needles`.
    func logLines(containing needles: [String], after offset: Int = 0) -> [String] {
        child.lines(containingAll: needles, after: offset)
    }

    /// SIGHUP with the config unchanged; waits for `reloaded`.
    func reload() throws {
        let mark = logMark()
        child.signal(SIGHUP)
        try waitForLog(containing: [" notice reloaded "], after: mark, timeout: .seconds(30))
    }

    @discardableResult
    func stop() throws -> Int32 { try child.stop(grace: .seconds(10)) }

    deinit { _ = try? child.stop(grace: .seconds(3)) }

}
