/// `SIZE`: a positive integer number of bytes with an optional `k`/`K` (×1024) or `m`/`M`
/// (×1024²) suffix. Examples: `65536`, `64k`, `1M`.
enum SizeSyntax {
    static func parse(_ text: String) throws(ValueError) -> Int {
        var digits = Substring(text)
        var multiplier = 1
        switch text.last {
        case "k", "K":
            multiplier = 1024
            digits = digits.dropLast()
        case "m", "M":
            multiplier = 1024 * 1024
            digits = digits.dropLast()
        default:
            break
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else {
            throw ValueError("expected a number of bytes with an optional k or M suffix, such as 64k")
        }
        guard digits.count <= 12, let count = Int(digits) else { throw ValueError("size is too large") }
        guard count > 0 else { throw ValueError("size must be greater than 0") }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow, bytes <= 1 << 40 else { throw ValueError("size is too large") }
        return bytes
    }
}
