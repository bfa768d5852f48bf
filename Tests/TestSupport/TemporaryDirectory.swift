import Foundation

/// A fresh directory under the system temp dir, removed (with its contents) when the last
/// reference goes away — unless `STAPLED_KEEP_TEST_FILES` is set, to inspect a failed run.
public final class TemporaryDirectory: Sendable {
    /// Absolute path of the directory.
    public let path: String

    /// Creates `$TMPDIR/stapled-<prefix>-XXXXXX` with mode 0700.
    public init(prefix: String = "test") throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/stapled-\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let created else { throw TestSupportError.systemCall("mkdtemp(\(base)/stapled-\(prefix)-*)") }
        path = created
    }

    /// The absolute path of `name` inside this directory.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes `contents` to `name` in this directory and returns its path.
    @discardableResult
    public func write(_ contents: String, to name: String) throws -> String {
        let target = file(name)
        try contents.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    /// Writes `bytes` to `name` in this directory and returns its path.
    @discardableResult
    public func write(_ bytes: [UInt8], to name: String) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target), options: .atomic)
        return target
    }

    deinit {
        if ProcessInfo.processInfo.environment["STAPLED_KEEP_TEST_FILES"] == nil {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
