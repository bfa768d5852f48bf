#if canImport(Glibc)
    import Glibc
#endif

/// What a one-shot command left behind.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

extension ChildProcess {
    /// Runs a one-shot command (openssl, curl, …) to completion and returns its status and output.
    ///
    /// - Parameters:
    ///   - stdin: text given to the command on stdin (written to a file first: no pipes).
    ///   - stdinFile: a file given as stdin; ignored when `stdin` is set. Neither: `/dev/null`.
    ///   - timeout: the command is killed (SIGKILL) and `.timedOut` thrown when it runs longer.
    public static func run(
        _ argv: [String], stdin: String? = nil, stdinFile: String? = nil, environment: [String: String]? = nil,
        cwd: String? = nil, timeout: Duration = .seconds(60)
    ) throws -> CommandResult {
        var inputFile = stdinFile
        var inputDirectory: TemporaryDirectory?
        if let stdin {
            let directory = try TemporaryDirectory(prefix: "stdin")
            inputFile = try directory.write(stdin, to: "stdin")
            inputDirectory = directory
        }
        defer { _ = inputDirectory }
        let child = try start(argv, environment: environment, cwd: cwd, stdinFile: inputFile)
        let status: Int32
        do {
            status = try child.waitForExit(timeout: timeout)
        } catch {
            child.signal(SIGKILL)
            _ = try? child.waitForExit(timeout: .seconds(10))
            throw error
        }
        return CommandResult(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    /// `run`, but a non-zero exit status throws `.commandFailed` with the command's stderr.
    @discardableResult
    public static func runChecked(
        _ argv: [String], stdin: String? = nil, stdinFile: String? = nil, environment: [String: String]? = nil,
        cwd: String? = nil, timeout: Duration = .seconds(60)
    ) throws -> CommandResult {
        let result = try run(
            argv, stdin: stdin, stdinFile: stdinFile, environment: environment, cwd: cwd, timeout: timeout)
        guard result.status == 0 else {
            throw TestSupportError(
                .commandFailed, argv.joined(separator: " "),
                "exit status \(result.status)\n--- stdout ---\n\(result.stdout)\n--- stderr ---\n\(result.stderr)")
        }
        return result
    }
}
