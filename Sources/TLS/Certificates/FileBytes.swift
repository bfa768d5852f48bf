import Glibc

/// Whole-file reads without Foundation, with the reason for a failure as `strerror` text.
enum FileBytes {
    /// Reads `path` fully; throws `TLSError.unreadableFile` naming the file and errno's text.
    static func read(_ path: String) throws(TLSError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(path, errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw unreadable(path, errno)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    private static func unreadable(_ path: String, _ code: Int32) -> TLSError {
        TLSError(
            .unreadableFile, operation: "open", file: path, message: "cannot read: \(String(cString: strerror(code)))")
    }
}
