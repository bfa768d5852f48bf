import CStapledShims
import Glibc

/// A client's IP address as forwarding headers carry it: its bytes (an IPv4-mapped IPv6 address
/// becomes the IPv4 address it maps) and its text. Computed once per connection.
struct ClientAddress: Equatable {
    /// 4 or 16 bytes.
    let bytes: [UInt8]
    /// `192.0.2.1` or `2001:db8::1` (no brackets).
    let text: [UInt8]

    var isIPv6: Bool { bytes.count == 16 }

    init(_ peer: SocketAddress) {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: peer.storage) { raw in
            if peer.family == AF_INET6 {
                bytes = Array(raw[8..<24])  // sin6_addr
                let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
                if mapped { bytes = Array(bytes[12..<16]) }
            } else {
                bytes = Array(raw[4..<8])  // sin_addr
            }
        }
        self.bytes = bytes
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        bytes.withUnsafeBytes { source in
            _ = inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, source.baseAddress, &buffer, socklen_t(buffer.count))
        }
        text = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    }
}
