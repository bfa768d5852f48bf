import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One sd_notify datagram as systemd would receive it.
struct NotifyMessage: Sendable, CustomStringConvertible {
    /// The `KEY=value` lines, in order.
    var lines: [String]
    /// When it arrived (this process's monotonic clock).
    var receivedAt: ContinuousClock.Instant

    func value(_ key: String) -> String? {
        lines.first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    func has(_ line: String) -> Bool { lines.contains(line) }

    var description: String { lines.joined(separator: "|") }
}

/// Plays systemd's side of `$NOTIFY_SOCKET`: a unix datagram socket in a temp directory, read
/// continuously by a thread (the daemon's sends block when a datagram queue is full, so a test
/// that stops reading must not stall it). Pass `environment` to the daemon.
final class NotifyReceiver: Sendable {
    let path: String
    private let directory: TemporaryDirectory?
    private let core: Core

    /// Binds `notify` in `parent` (the caller keeps it alive), or in a fresh temp directory.
    init(in parent: String? = nil) throws {
        directory = parent == nil ? try TemporaryDirectory(prefix: "notify") : nil
        let folder = parent ?? directory?.path ?? "/tmp"
        path = folder + "/notify"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError(.systemCall, "socket(AF_UNIX)", String(cString: strerror(errno))) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TestSupportError(.systemCall, "bind(\(path))", reason)
        }
        // Like /run/systemd/notify: any user may send (tests that drop privileges need it).
        chmod(folder, 0o755)
        chmod(path, 0o666)
        let core = Core(fd: fd)
        self.core = core
        let thread = Thread { core.receiveLoop() }
        thread.name = "notify-receiver"
        thread.start()
    }

    /// `NOTIFY_SOCKET` for the daemon's environment.
    var environment: [String: String] { ["NOTIFY_SOCKET": path] }

    /// Every message so far, in arrival order.
    var messages: [NotifyMessage] { core.received.withLock { $0 } }

    /// Waits for the first message at index `from` or later that satisfies `predicate`; returns
    /// its index and the message. Throws `.timedOut` with everything received.
    @discardableResult
    func waitFor(
        _ what: String, from start: Int = 0, timeout: Duration = .seconds(30),
        where predicate: (NotifyMessage) -> Bool
    ) throws -> (index: Int, message: NotifyMessage) {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let current = messages
            if start < current.count, let index = current[start...].firstIndex(where: predicate) {
                return (index, current[index])
            }
            if ContinuousClock.now >= deadline {
                throw TestSupportError(
                    .timedOut, "NotifyReceiver.waitFor(\(what))",
                    "not received after \(timeout); got: \(current.map(\.description))")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Waits until `count` messages carry `line` (e.g. `WATCHDOG=1`); returns every message so far.
    func waitFor(_ count: Int, times line: String, timeout: Duration = .seconds(30)) throws -> [NotifyMessage] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let current = messages
            if current.filter({ $0.has(line) }).count >= count { return current }
            if ContinuousClock.now >= deadline {
                throw TestSupportError(
                    .timedOut, "NotifyReceiver.waitFor(\(count) × \(line))",
                    "not received after \(timeout); got: \(current.map(\.description))")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    deinit { core.stop() }

    /// What the receiving thread holds (not the receiver, so dropping the receiver stops it).
    private final class Core: Sendable {
        let fd: Int32
        let received = Mutex<[NotifyMessage]>([])
        private let stopping = Atomic<Bool>(false)
        private let finished = Atomic<Bool>(false)

        init(fd: Int32) { self.fd = fd }

        /// Stops the thread, which closes the socket (bounded wait).
        func stop() {
            stopping.store(true, ordering: .relaxed)
            let deadline = ContinuousClock.now.advanced(by: .seconds(2))
            while !finished.load(ordering: .relaxed) && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }

        func receiveLoop() {
            defer {
                close(fd)
                finished.store(true, ordering: .relaxed)
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !stopping.load(ordering: .relaxed) {
                var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pollfd, 1, 50) == 1 else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                guard count > 0 else { continue }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                let message = NotifyMessage(
                    lines: text.split(separator: "\n").map(String.init), receivedAt: ContinuousClock.now)
                received.withLock { $0.append(message) }
            }
        }
    }
}

/// CLOCK_MONOTONIC in microseconds, the clock of `MONOTONIC_USEC=`.
func monotonicMicroseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
}
