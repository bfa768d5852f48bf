/// An IPv4 or IPv6 address literal, parsed to its bytes so that equal addresses compare equal
/// however they were written (`::1` and `0:0::1`).
enum IPAddress: Sendable, Equatable, Hashable {
    case v4([UInt8])
    case v6([UInt8])

    /// Parses dotted-quad IPv4 (`192.0.2.1`, no leading zeros) or RFC 4291 IPv6 text without
    /// brackets (`2001:db8::1`, `::ffff:192.0.2.1`).
    static func parse(_ text: String) throws(ValueError) -> IPAddress {
        if text.contains(":") { return .v6(try parseIPv6(text)) }
        return .v4(try parseIPv4(text))
    }

    static func parseIPv4(_ text: some StringProtocol) throws(ValueError) -> [UInt8] {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else {
            throw ValueError("\"\(text)\" is not an IPv4 address: expected four numbers separated by dots")
        }
        var bytes: [UInt8] = []
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCIIDigit),
                let value = UInt8(octet), octet == "0" || !octet.hasPrefix("0")
            else {
                throw ValueError("\"\(text)\" is not an IPv4 address: \"\(octet)\" is not a number from 0 to 255")
            }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: String) throws(ValueError) -> [UInt8] {
        let invalid = ValueError("\"\(text)\" is not an IPv6 address")
        if text.contains("%") {
            throw ValueError("\"\(text)\": IPv6 zone indexes (%interface) are not supported")
        }
        let halves = splitAtDoubleColons(text)
        guard halves.count <= 2 else { throw ValueError("\"\(text)\" is not an IPv6 address: \"::\" appears twice") }
        var groups: [[UInt8]] = []
        for (halfIndex, half) in halves.enumerated() {
            var bytes: [UInt8] = []
            if !half.isEmpty {
                let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
                for (pieceIndex, piece) in pieces.enumerated() {
                    let isLast = halfIndex == halves.count - 1 && pieceIndex == pieces.count - 1
                    if isLast && piece.contains(".") {
                        bytes += try parseIPv4(piece)
                        continue
                    }
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                        let group = UInt16(piece, radix: 16)
                    else { throw invalid }
                    bytes += [UInt8(group >> 8), UInt8(group & 0xFF)]
                }
            }
            groups.append(bytes)
        }
        if groups.count == 1 {
            guard groups[0].count == 16 else { throw invalid }
            return groups[0]
        }
        let missing = 16 - groups[0].count - groups[1].count
        guard missing >= 2 else { throw invalid }
        return groups[0] + [UInt8](repeating: 0, count: missing) + groups[1]
    }

    /// The text split at every `::`, keeping empty sides: `"::1"` → `["", "1"]`.
    private static func splitAtDoubleColons(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == ":", next < text.endIndex, text[next] == ":" {
                result.append(text[start..<index])
                start = text.index(after: next)
                index = start
            } else {
                index = next
            }
        }
        result.append(text[start..<text.endIndex])
        return result
    }
}
