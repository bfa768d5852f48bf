import Glibc

/// The file-system calls the cache needs, without Foundation: whole-file reads, atomic replacement,
/// directory creation. Every descriptor is closed before returning.
enum CacheFiles {
    /// Why a read failed.
    enum ReadFailure: Error {
        case missing
        case tooLarge
        case failed(String)
    }

    /// Reads `path` fully, refusing files larger than `limit` bytes.
    static func read(_ path: String, limit: Int) throws(ReadFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .missing : .failed(reason(code))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8_192)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .failed(reason(errno))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit { throw .tooLarge }
        }
    }

    /// Replaces `path` with `bytes` so that a reader sees the old file or the new one, never a mix:
    /// a temporary file in the same directory is written, fsync'ed and renamed over `path`.
    /// The caller fsyncs the directory (`syncDirectory`) to make the rename durable.
    static func replace(_ path: String, with bytes: [UInt8]) throws(StapleCacheError) {
        let temporary = "\(path).tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure("open", temporary, errno) }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(fd) }
            if !renamed { unlink(temporary) }
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", temporary, errno)
            }
            offset += written
        }
        guard fsync(fd) == 0 else { throw failure("fsync", temporary, errno) }
        closed = true
        guard close(fd) == 0 else { throw failure("close", temporary, errno) }
        guard rename(temporary, path) == 0 else { throw failure("rename", path, errno) }
        renamed = true
    }

    /// Makes the directory's entries (renames, unlinks) durable.
    static func syncDirectory(_ path: String) throws(StapleCacheError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path, errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", path, errno) }
    }

    /// Removes `path`; a file that is already gone is not an error.
    static func remove(_ path: String) throws(StapleCacheError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw StapleCacheError(.removeFailed, operation: "unlink", path: path, message: reason(errno))
        }
    }

    /// Creates `path` and any missing parents with mode 0700 (`mkdir -p`), then checks that it is
    /// a directory this process can write into.
    static func makeDirectory(_ path: String) throws(StapleCacheError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw StapleCacheError(.directoryUnusable, operation: "mkdir", path: prefix, message: reason(errno))
            }
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw StapleCacheError(.directoryUnusable, operation: "stat", path: path, message: reason(errno))
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw StapleCacheError(.directoryUnusable, operation: "stat", path: path, message: "not a directory")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw StapleCacheError(.directoryUnusable, operation: "access", path: path, message: reason(errno))
        }
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    private static func failure(_ operation: String, _ path: String, _ code: Int32) -> StapleCacheError {
        StapleCacheError(.writeFailed, operation: operation, path: path, message: reason(code))
    }
}
