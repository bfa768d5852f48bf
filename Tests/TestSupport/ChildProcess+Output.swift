import Foundation

extension ChildProcess {
    /// Everything the child has written to stdout so far.
    public var stdout: String { contents(of: .stdout) }

    /// Everything the child has written to stderr so far.
    public var stderr: String { contents(of: .stderr) }

    /// The current contents of `stream`.
    public func contents(of stream: Stream) -> String {
        String(decoding: bytes(of: stream), as: UTF8.self)
    }

    /// How many bytes `stream` holds now: pass it as `after:` to wait only for newer output (for
    /// example the second "reloaded" line after a second SIGHUP).
    public func mark(_ stream: Stream) -> Int { bytes(of: stream).count }

    /// Waits until `stream` contains `needle` (in the bytes after offset `after`) and returns the
    /// whole line that contains it. Polls every 20 ms.
    ///
    /// Throws `.exitedEarly` if the child exits without having written it, `.timedOut` after
    /// `timeout`; both carry the tail of stdout and stderr.
    @discardableResult
    public func waitForOutput(
        containing needle: String, in stream: Stream = .stderr, after offset: Int = 0, timeout: Duration = .seconds(10)
    ) throws -> String {
        let deadline = Deadline(after: timeout)
        let operation = "waitForOutput(\"\(needle)\", in: .\(stream.rawValue)) from \(argv.first ?? "?")"
        while true {
            let exited = exitCode
            if let line = Self.line(containing: needle, in: bytes(of: stream), after: offset) { return line }
            if let exited {
                throw TestSupportError(.exitedEarly, operation, "the process exited with \(exited)\n\(outputTail())")
            }
            if deadline.hasPassed {
                throw TestSupportError(.timedOut, operation, "not seen after \(timeout)\n\(outputTail())")
            }
            sleepThread(min(.milliseconds(20), deadline.remaining))
        }
    }

    /// The last `limit` characters of stdout and stderr, labelled, for error messages.
    public func outputTail(limit: Int = 2_000) -> String {
        func tail(_ stream: Stream) -> String {
            let text = contents(of: stream)
            return text.count > limit ? "…" + String(text.suffix(limit)) : text
        }
        return "--- stdout (\(stdoutPath)) ---\n\(tail(.stdout))\n--- stderr (\(stderrPath)) ---\n\(tail(.stderr))"
    }

    func bytes(of stream: Stream) -> [UInt8] {
        let path = stream == .stdout ? stdoutPath : stderrPath
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return [UInt8](data)
    }

    /// The line of `bytes` (at or after `offset`) holding `needle`, without its newline.
    static func line(containing needle: String, in bytes: [UInt8], after offset: Int) -> String? {
        guard offset < bytes.count else { return nil }
        let searched = bytes[offset...]
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, searched.count >= pattern.count else { return nil }
        var index = searched.startIndex
        while index + pattern.count <= searched.endIndex {
            if searched[index] == pattern[0] && searched[index..<index + pattern.count].elementsEqual(pattern) {
                let start = bytes[..<index].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }
}
