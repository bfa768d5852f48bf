import Glibc

/// Appends bytes to a fixed buffer; once something does not fit, `overflowed` is set and nothing
/// more is written (the caller checks once at the end).
struct ByteWriter {
    private let buffer: UnsafeMutableRawBufferPointer
    private(set) var count = 0
    private(set) var overflowed = false

    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    /// Room for `length` more bytes; sets `overflowed` when there is none.
    private mutating func reserve(_ length: Int) -> Bool {
        guard !overflowed, buffer.count - count >= length else {
            overflowed = true
            return false
        }
        return true
    }

    mutating func put(byte: UInt8) {
        guard reserve(1) else { return }
        buffer[count] = byte
        count += 1
    }

    mutating func put(bytes: UnsafeRawBufferPointer) {
        guard reserve(bytes.count) else { return }
        for byte in bytes {
            buffer[count] = byte
            count += 1
        }
    }

    /// A static ASCII string (no allocation: literals are UTF-8 in the binary).
    mutating func put(ascii text: StaticString) {
        text.withUTF8Buffer { put(bytes: UnsafeRawBufferPointer($0)) }
    }

    mutating func put<T: FixedWidthInteger>(bigEndian value: T) {
        withUnsafeBytes(of: value.bigEndian) { put(bytes: $0) }
    }

    /// Overwrites two bytes written earlier (a length known only at the end).
    mutating func patch(bigEndian value: UInt16, at offset: Int) {
        guard !overflowed else { return }
        buffer[offset] = UInt8(value >> 8)
        buffer[offset + 1] = UInt8(value & 0xFF)
    }

    /// A type, a 2-byte big-endian length and the value.
    mutating func putTLV(_ type: UInt8, _ value: UnsafeRawBufferPointer) {
        put(byte: type)
        put(bigEndian: UInt16(truncatingIfNeeded: value.count))
        put(bytes: value)
    }

    /// The first 4 (IPv4) or all 16 (IPv6) address bytes, in network order.
    mutating func putRaw(of endpoint: Endpoints.Endpoint, ipv6: Bool) {
        withUnsafeBytes(of: endpoint.address) { put(bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(ipv6 ? 16 : 4))) }
    }

    /// The address as text (`inet_ntop`), written in place.
    mutating func putText(of endpoint: Endpoints.Endpoint, ipv6: Bool) {
        let room = Int(INET6_ADDRSTRLEN)
        guard reserve(room), let base = buffer.baseAddress else { return }
        var address = endpoint.address
        let target = (base + count).assumingMemoryBound(to: CChar.self)
        guard inet_ntop(ipv6 ? AF_INET6 : AF_INET, &address, target, socklen_t(room)) != nil else {
            overflowed = true
            return
        }
        count += strlen(target)
    }

    /// A port in decimal.
    mutating func putDecimal(_ value: UInt16) {
        var divisor: UInt16 = 10_000
        var started = false
        while divisor > 0 {
            let digit = value / divisor % 10
            if digit != 0 || started || divisor == 1 {
                put(byte: 0x30 + UInt8(digit))
                started = true
            }
            divisor /= 10
        }
    }
}
