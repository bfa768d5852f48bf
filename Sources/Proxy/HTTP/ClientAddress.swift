import CStapledShims
import Glibc

/// A client's IP address as forwarding headers carry it: its bytes (an IPv4-mapped IPv6 address
/// becomes the IPv4 address it maps) and its text. Held inline (no heap): it is built on the
/// stack for each request rather than kept in every idle connection.
struct ClientAddress {
    /// The address bytes: the first `count`.
    private var raw: (UInt64, UInt64) = (0, 0)
    /// 4 or 16.
    let count: Int
    /// The text (`192.0.2.1` or `2001:db8::1`, no brackets): the first `textCount` bytes;
    /// 48 bytes hold INET6_ADDRSTRLEN (46).
    private var textRaw: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    let textCount: Int

    var isIPv6: Bool { count == 16 }

    init(_ peer: SocketAddress) {
        var raw: (UInt64, UInt64) = (0, 0)
        var count = 4
        withUnsafeBytes(of: peer.storage) { source in
            withUnsafeMutableBytes(of: &raw) { target in
                if peer.family == AF_INET6 {
                    let address = source[8..<24]  // sin6_addr
                    let mapped =
                        address.prefix(10).allSatisfy { $0 == 0 } && source[18] == 0xFF && source[19] == 0xFF
                    if mapped {
                        target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[20..<24]))
                    } else {
                        target.copyMemory(from: UnsafeRawBufferPointer(rebasing: address))
                        count = 16
                    }
                } else {
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[4..<8]))  // sin_addr
                }
            }
        }
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        let textCount = withUnsafeBytes(of: raw) { source in
            withUnsafeMutableBytes(of: &text) { target in
                if count == 4 { return Self.writeDottedQuad(source, into: target) }
                _ = inet_ntop(
                    AF_INET6, source.baseAddress, target.baseAddress?.assumingMemoryBound(to: CChar.self),
                    socklen_t(target.count))
                return target.firstIndex(of: 0) ?? target.count
            }
        }
        self.raw = raw
        self.count = count
        textRaw = text
        self.textCount = textCount
    }

    /// Writes the first four bytes of `address` as `a.b.c.d` into `target` (at least 15 bytes);
    /// returns the length. What `inet_ntop(AF_INET)` writes, without its trip through `sprintf`
    /// (1.3k instructions, about 4 % of a `mode http` request's user-space work).
    private static func writeDottedQuad(_ address: UnsafeRawBufferPointer, into target: UnsafeMutableRawBufferPointer)
        -> Int
    {
        var length = 0
        for index in 0..<4 {
            if index > 0 {
                target[length] = UInt8(ascii: ".")
                length += 1
            }
            let value = address[index]
            if value >= 100 {
                target[length] = UInt8(ascii: "0") + value / 100
                length += 1
            }
            if value >= 10 {
                target[length] = UInt8(ascii: "0") + value / 10 % 10
                length += 1
            }
            target[length] = UInt8(ascii: "0") + value % 10
            length += 1
        }
        return length
    }

    /// Calls `body` with the address bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: raw) { body(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
    }

    /// Calls `body` with the text.
    func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeBytes(of: textRaw) {
            body(UnsafeBufferPointer(rebasing: $0.bindMemory(to: UInt8.self).prefix(textCount)))
        }
    }

    var bytes: [UInt8] { withBytes { Array($0) } }
    var text: [UInt8] { withText { Array($0) } }
}
