/// `DURATION`: a non-negative integer or decimal followed by `ms`, `s`, `m`, `h` or `d`; a bare
/// number means seconds. Examples: `500ms`, `10s`, `1.5h`, `30`.
enum DurationSyntax {
    static let units: [(suffix: String, nanoseconds: Int128)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ("d", 86_400_000_000_000),
    ]

    static func parse(_ text: String) throws(ValueError) -> Duration {
        if text.hasPrefix("-") { throw ValueError("durations cannot be negative") }
        let number = String(text.prefix { $0.isASCIIDigit || $0 == "." })
        let suffix = String(text.dropFirst(number.count))
        guard !number.isEmpty else {
            throw ValueError("expected a number followed by a unit (ms, s, m, h or d), such as 10s")
        }
        let perUnit: Int128
        if suffix.isEmpty {
            perUnit = 1_000_000_000
        } else if let unit = units.first(where: { $0.suffix == suffix }) {
            perUnit = unit.nanoseconds
        } else {
            throw ValueError("unknown unit \"\(suffix)\"; use ms, s, m, h or d")
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !whole.isEmpty, parts.count == 1 || !fraction.isEmpty, !fraction.contains(".") else {
            throw ValueError("expected a number such as 10 or 1.5 before the unit")
        }
        guard whole.count <= 12, fraction.count <= 9, let wholeValue = Int128(whole) else {
            throw ValueError("duration is too long or too precise")
        }
        var nanoseconds = wholeValue * perUnit
        if !fraction.isEmpty, let fractionValue = Int128(fraction) {
            var scale: Int128 = 1
            for _ in fraction { scale *= 10 }
            nanoseconds += fractionValue * perUnit / scale
        }
        guard nanoseconds <= Int128(Int64.max) else { throw ValueError("duration is too long") }
        return .nanoseconds(Int64(nanoseconds))
    }

    /// How a duration reads in messages and docs: `90s`, `1500ms`, `2h`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds != 0 {
            return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
        }
        let larger: [(suffix: String, seconds: Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60)]
        if seconds != 0, let unit = larger.first(where: { seconds % $0.seconds == 0 }) {
            return "\(seconds / unit.seconds)\(unit.suffix)"
        }
        return "\(seconds)s"
    }
}
