/// `CIDR`: an IPv4 or IPv6 address, optionally followed by `/PREFIX` (32 or 128 when missing).
/// Bits after the prefix must be zero, so `10.0.0.1/8` (probably a typo) is refused.
enum CIDRSyntax {
    static func parse(_ text: String) throws(ValueError) -> IPNetwork {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = String(parts[0])
        if addressText.hasPrefix("[") {
            throw ValueError("write IPv6 networks without brackets, such as 2001:db8::/32")
        }
        let bytes: [UInt8]
        switch try IPAddress.parse(addressText) {
        case .v4(let value): bytes = value
        case .v6(let value): bytes = value
        }
        let bits = bytes.count * 8
        var prefix = bits
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits),
                value <= bits
            else {
                throw ValueError("the prefix length after \"/\" is a number from 0 to \(bits)")
            }
            prefix = value
        }
        for bit in prefix..<bits where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 {
            throw ValueError("the address has bits set after the /\(prefix) prefix")
        }
        return IPNetwork(bytes: bytes, prefixLength: prefix, description: text)
    }
}
