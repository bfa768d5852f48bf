#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes the paths named in a config file absolute: relative paths are taken from the directory
/// of the config file (itself taken from the working directory when relative), the way nginx
/// resolves paths against its prefix. Only lexical: nothing is looked up on disk.
struct PathResolver: Sendable {
    /// The config file as an absolute path.
    let configFile: String
    /// The absolute directory relative paths are resolved against.
    let baseDirectory: String

    init(configFile: String) {
        self.configFile = Self.join(configFile.hasPrefix("/") ? "" : Self.workingDirectory(), configFile)
        var components = self.configFile.split(separator: "/")
        if !components.isEmpty { components.removeLast() }
        baseDirectory = "/" + components.joined(separator: "/")
    }

    /// `path` itself when absolute, else `path` under `baseDirectory`; `.` and empty components removed.
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? Self.join("", path) : Self.join(baseDirectory, path)
    }

    /// `base` and `path` joined, without `.` or empty components (`..` is kept: it may cross a symlink).
    private static func join(_ base: String, _ path: String) -> String {
        let components = (base.split(separator: "/") + path.split(separator: "/")).filter { $0 != "." }
        return "/" + components.joined(separator: "/")
    }

    private static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let found = buffer.withUnsafeMutableBufferPointer { getcwd($0.baseAddress, $0.count) != nil }
        guard found else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
