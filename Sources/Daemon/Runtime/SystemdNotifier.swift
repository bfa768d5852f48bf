import CStapledShims
import Glibc

/// The sd_notify protocol without libsystemd: datagrams to `$NOTIFY_SOCKET`.
/// Without `$NOTIFY_SOCKET` (not started by systemd with Type=notify) nothing is sent.
struct SystemdNotifier {
    private let path: String?

    init(environment socket: String? = getenv("NOTIFY_SOCKET").map { String(cString: $0) }) {
        path = socket.flatMap { $0.isEmpty ? nil : $0 }
    }

    var isEnabled: Bool { path != nil }

    /// Sends `KEY=value` lines as one datagram; failures are ignored (systemd may be gone).
    func send(_ fields: [String]) {
        guard let path else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }  // Abstract namespace.
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        var message = fields.joined(separator: "\n") + "\n"
        message.withUTF8 { body in
            _ = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, body.baseAddress, body.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
    }

    func ready(status: String) { send(["READY=1", "STATUS=\(status)"]) }
    func status(_ status: String) { send(["STATUS=\(status)"]) }
    func stopping(status: String) { send(["STOPPING=1", "STATUS=\(status)"]) }

    /// `RELOADING=1` with the monotonic timestamp systemd (Type=notify-reload) expects.
    func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let micros = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
        send(["RELOADING=1", "MONOTONIC_USEC=\(micros)", "STATUS=reloading configuration"])
    }

    /// Half the watchdog period in seconds, when systemd asked for keep-alives for this process.
    static func watchdogInterval() -> Double? {
        guard let raw = getenv("WATCHDOG_USEC"), let micros = Double(String(cString: raw)), micros > 0 else {
            return nil
        }
        if let pid = getenv("WATCHDOG_PID"), let value = Int32(String(cString: pid)), value != getpid() { return nil }
        return micros / 2_000_000
    }
}
