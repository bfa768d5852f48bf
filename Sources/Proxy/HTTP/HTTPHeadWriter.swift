import Glibc

/// Appends a head to a fixed buffer the caller owns, never past its capacity: once something does
/// not fit, `overflowed` is set and nothing more is written (the caller refuses the message).
struct HTTPHeadWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0
    private(set) var overflowed = false

    init(_ base: UnsafeMutableRawPointer, capacity: Int) {
        self.base = base.assumingMemoryBound(to: UInt8.self)
        self.capacity = capacity
    }

    /// `bytes[range]`, as it is.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        guard let source = bytes.baseAddress, reserve(range.count) else { return }
        memcpy(base + count, source + range.lowerBound, range.count)
        count += range.count
    }

    mutating func append(_ literal: StaticString) {
        let length = literal.utf8CodeUnitCount
        guard reserve(length) else { return }
        memcpy(base + count, literal.utf8Start, length)
        count += length
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0, 0..<$0.count) }
    }

    /// A non-negative integer in decimal.
    mutating func append(decimal value: Int) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        guard reserve(digits) else { return }
        var remaining = value
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            base[count + offset] = UInt8(truncatingIfNeeded: 0x30 + remaining % 10)
            remaining /= 10
        }
        count += digits
    }

    private mutating func reserve(_ length: Int) -> Bool {
        guard !overflowed, length <= capacity - count else {
            overflowed = true
            return false
        }
        return true
    }
}
