/// Plain numbers: bounded decimal integers and fractions, with no signs, exponents or hex.
enum NumberSyntax {
    /// A decimal integer in `range`; leading `+`/`-`, spaces and underscores are rejected.
    static func integer(_ text: String, in range: ClosedRange<Int>) throws(ValueError) -> Int {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit) else {
            throw ValueError("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        guard text.count <= 18, let value = Int(text), range.contains(value) else {
            throw ValueError("\(text) is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return value
    }

    /// A decimal number strictly between 0 and 1, written `0.5` or `.5`.
    static func openUnitFraction(_ text: String) throws(ValueError) -> Double {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let wellFormed =
            !text.isEmpty && parts.allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
            && parts.contains { !$0.isEmpty } && (parts.count == 1 || !parts[1].isEmpty)
        guard wellFormed, let value = Double(text) else {
            throw ValueError("expected a decimal number between 0 and 1, such as 0.5")
        }
        guard value > 0, value < 1 else {
            throw ValueError("must be greater than 0 and less than 1")
        }
        return value
    }
}

extension Character {
    /// `0`...`9` only; `Character.isNumber` also accepts other scripts' digits and fractions.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
