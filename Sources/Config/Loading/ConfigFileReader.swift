#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a config file into a `String` with plain POSIX calls (the module stays free of
/// Foundation). Failures are `ConfigError`s at `path:1:1` that carry `strerror`'s reason.
enum ConfigFileReader {
    /// Far beyond any real config; stops `/dev/zero` or a log file named by mistake.
    static let maximumBytes = 4 << 20

    static func contents(ofFile path: String) throws(ConfigError) -> String {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ConfigError("cannot open config file: \(errorText(errno))", at: start)
        }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw ConfigError("cannot read config file: \(errorText(code))", at: start)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= maximumBytes else {
                throw ConfigError("config file is larger than \(maximumBytes >> 20) MiB", at: start)
            }
        }
        return try decode(bytes, path: path)
    }

    /// The bytes as UTF-8 text; invalid UTF-8 is an error at the line and column of the first bad byte.
    static func decode(_ bytes: [UInt8], path: String) throws(ConfigError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1
        var column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .error:
                throw ConfigError(
                    "config file is not valid UTF-8", at: SourceLocation(file: path, line: line, column: column))
            case .emptyInput:
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    private static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
