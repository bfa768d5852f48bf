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
            (["workers \(workers);", "stapling {", "    cache_dir \(Self.quoted(directory.file("ocsp")));", "}"]
            + ["upstream app {"] + upstream.map { "    " + $0 } + ["}"]
            + ["frontend web {", "    listen 127.0.0.1:0;", "    mode tcp;", "    upstream app;"]
            + ["    certificate \(Self.quoted(pki.leaf.chainPath)) \(Self.quoted(pki.leaf.keyPath));"]
            + frontend.map { "    " + $0 } + ["}"]).joined(separator: "\n") + "\n"
        let path = try directory.write(text, to: "stapled.conf")
        child = try ChildProcess.start([try StapledBinary.path(), "-c", path, "--log-level", "debug"])
        do {
            try child.waitForOutput(containing: " notice ready ", timeout: .seconds(30))
            let line = try child.waitForOutput(containing: " info listening address=", timeout: .seconds(1))
            guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                let port = field.split(separator: ":").last.flatMap({ UInt16($0) })
            else { throw TestSupportError(.protocolViolation, "stapled listening line", "no port in: \(line)") }
            self.port = port
        } catch {
            _ = try? child.stop(grace: .seconds(1))
            throw error
        }
    }

    var log: String { child.stderr }

    /// The current length of the log: pass it as `after:` to wait only for newer lines.
    func logMark() -> Int { child.mark(.stderr) }

    /// Waits until a log line after `offset` contains every one of `needles`; returns it.
    @discardableResult
    func waitForLog(containing needles: [String], after offset: Int = 0, timeout: Duration = .seconds(10)) throws
        -> String
    {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let bytes = Array(child.contents(of: .stderr).utf8)
            let text = offset < bytes.count ? String(decoding: bytes[offset...], as: UTF8.self) : ""
            if let line = text.split(separator: "\n").first(where: { line in needles.allSatisfy { line.contains($0) } })
            {
                return String(line)
            }
            guard ContinuousClock.now < deadline, child.isRunning else {
                throw TestSupportError(
                    .timedOut, "waitForLog(\(needles))", "not seen after \(timeout)\n\(child.outputTail())")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Log lines after `offset` that contain every one of `needles`.
    func logLines(containing needles: [String], after offset: Int = 0) -> [String] {
        let bytes = Array(child.contents(of: .stderr).utf8)
        guard offset < bytes.count else { return [] }
        return String(decoding: bytes[offset...], as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { line in needles.allSatisfy { line.contains($0) } }
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

    static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
