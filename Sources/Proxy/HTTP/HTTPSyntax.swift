/// Byte classes of HTTP/1.1 (RFC 9110 §5.6, RFC 9112, RFC 3986), as bit masks: a lookup costs two
/// comparisons and a shift, with no table to load or initialise.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let percent: UInt8 = 0x25

    // tchar: "!#$%&'*+-.^_`|~", digits, letters.
    private static let tokenLow: UInt64 = 0x03ff_6cfa_0000_0000
    private static let tokenHigh: UInt64 = 0x57ff_ffff_c7ff_fffe
    // A Host value: RFC 3986 reg-name characters, pct-encoding, ':' before a port, IP-literal brackets.
    private static let hostLow: UInt64 = 0x2fff_7ff2_0000_0000
    private static let hostHigh: UInt64 = 0x47ff_fffe_afff_fffe

    /// `tchar`: the bytes of methods, field names and transfer-coding names.
    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        if byte < 64 { return (tokenLow >> UInt64(byte)) & 1 == 1 }
        if byte < 128 { return (tokenHigh >> UInt64(byte &- 64)) & 1 == 1 }
        return false
    }

    /// A byte a Host field value may hold.
    @inline(__always)
    static func isHostByte(_ byte: UInt8) -> Bool {
        if byte < 64 { return (hostLow >> UInt64(byte)) & 1 == 1 }
        if byte < 128 { return (hostHigh >> UInt64(byte &- 64)) & 1 == 1 }
        return false
    }

    /// A byte a request target may hold: visible ASCII except `#` (a fragment is never sent) and
    /// `\` (which some servers read as `/`, so a proxy and a backend could see different paths).
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != 0x23 && byte != 0x5C
    }

    /// `field-vchar` or the SP/HTAB allowed inside a field value: VCHAR, obs-text, SP, HTAB.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == tab
    }

    /// Whether any of the eight bytes of `word` is a control byte: below 0x20 (HTAB, CR and LF
    /// included) or DEL. Bytes from 0x80 (obs-text) are not. Exact for the word as a whole (SWAR:
    /// a byte below n sets its high bit in `(x - n·ones) & ~x`; only which byte can be wrong).
    @inline(__always)
    static func hasControlByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x20) & ~word & highs
        let delta = word ^ (ones &* 0x7F)
        let del = (delta &- ones) & ~delta & highs
        return below | del != 0
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- 0x30 < 10 { return byte &- 0x30 }
        let lower = byte | 0x20
        if lower &- 0x61 < 6 { return lower &- 0x61 &+ 10 }
        return nil
    }

    /// ASCII lower case of a byte that is part of a token (letters change, other tchars stay).
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }
}
