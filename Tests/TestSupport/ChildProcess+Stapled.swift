import Foundation

/// The steps every suite takes with the real `stapled` binary: start it and wait until it serves,
/// find a frontend's port in its log, wait for log lines, reload it.
extension ChildProcess {
    /// Starts `stapled ARGUMENTS` (or `command`, for a wrapper such as `systemd-run`) and waits at
    /// most `readyTimeout` for `notice ready`: start-up's wait for first staples is over and
    /// connections are accepted. A daemon that does not get there is stopped (by PID) and the
    /// error carries its output.
    public static func startStapled(
        _ arguments: [String], command: [String]? = nil, environment: [String: String] = [:],
        readyTimeout: Duration = .seconds(30)
    ) throws -> ChildProcess {
        let argv = try command ?? [StapledBinary.path()] + arguments
        let process = try start(argv, environment: inheritedEnvironment(adding: environment))
        do {
            try process.waitForOutput(containing: " notice ready ", timeout: readyTimeout)
        } catch {
            _ = try? process.stop(grace: .seconds(2))
            throw error
        }
        return process
    }

    /// The bound port of `frontend`'s listen address, from the last `info listening
    /// address=HOST:PORT frontend=NAME` line (a frontend added by a reload is found too).
    public func listeningPort(frontend: String) throws -> UInt16 {
        for line in lines(containingAll: [" info listening "]).reversed() {
            let fields = LogLine.fields(of: line)
            if fields["frontend"] == frontend, let address = fields["address"],
                let port = address.split(separator: ":").last.flatMap({ UInt16($0) })
            {
                return port
            }
        }
        throw TestSupportError(.notFound, "listeningPort(frontend: \(frontend))", "no listening line\n\(outputTail())")
    }

    /// The stderr lines after byte `offset` that contain every one of `needles`.
    public func lines(containingAll needles: [String], after offset: Int = 0) -> [String] {
        let bytes = bytes(of: .stderr)
        guard offset < bytes.count else { return [] }
        return String(decoding: bytes[offset...], as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { line in needles.allSatisfy { line.contains($0) } }
    }

    /// Waits until a stderr line after byte `offset` contains every one of `needles`; returns it.
    @discardableResult
    public func waitForLine(containingAll needles: [String], after offset: Int = 0, timeout: Duration = .seconds(10))
        throws -> String
    {
        let deadline = Deadline(after: timeout)
        while true {
            let exited = exitCode
            if let line = lines(containingAll: needles, after: offset).first { return line }
            guard exited == nil, !deadline.hasPassed else {
                throw TestSupportError(
                    exited == nil ? .timedOut : .exitedEarly, "waitForLine(containingAll: \(needles))",
                    "not seen after \(timeout)\n\(outputTail())")
            }
            sleepThread(min(.milliseconds(20), deadline.remaining))
        }
    }

    /// Sends SIGHUP and waits for the reload's outcome; returns its line (`notice reloaded` or
    /// `reload failed`).
    @discardableResult
    public func reloadStapled(timeout: Duration = .seconds(30)) throws -> String {
        let offset = mark(.stderr)
        signal(SIGHUP)
        let deadline = Deadline(after: timeout)
        while true {
            let exited = exitCode
            if let line = lines(containingAll: [], after: offset).first(where: {
                $0.contains(" notice reloaded ") || $0.contains("reload failed")
            }) {
                return line
            }
            guard exited == nil, !deadline.hasPassed else {
                throw TestSupportError(
                    exited == nil ? .timedOut : .exitedEarly, "reloadStapled",
                    "no reload outcome after \(timeout)\n\(outputTail())")
            }
            sleepThread(min(.milliseconds(20), deadline.remaining))
        }
    }
}

/// Config-file text for test daemons.
public enum StapledConfigText {
    /// `text` as a double-quoted config string (paths of temporary directories).
    public static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
