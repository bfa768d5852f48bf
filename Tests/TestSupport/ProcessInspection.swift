import Foundation

/// The number of open file descriptors of process `pid` (entries of `/proc/PID/fd`), for leak
/// checks: compare before and after a burst of connections.
public func openFileDescriptorCount(pid: pid_t) throws -> Int {
    do {
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    } catch {
        throw TestSupportError(.notFound, "openFileDescriptorCount(pid: \(pid))", "\(error)")
    }
}

/// The resident set size of process `pid` in bytes (`VmRSS` of `/proc/PID/status`).
public func residentMemoryBytes(pid: pid_t) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
    }
    throw TestSupportError(.notFound, "residentMemoryBytes(pid: \(pid))", "no VmRSS line in /proc/\(pid)/status")
}
