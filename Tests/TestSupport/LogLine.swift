/// One line of the daemon's log: `TIMESTAMP LEVEL MESSAGE key=value key="quoted value" ...`,
/// split into its level, message and fields.
public struct LogLine: CustomStringConvertible, Sendable {
    public let text: String
    public let level: String
    public let message: String
    public let fields: [String: String]

    public init(_ text: String) {
        self.text = text
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        level = words.count > 1 ? String(words[1]) : ""
        let rest = words.count > 2 ? String(words[2]) : ""
        var message: [Substring] = []
        for word in rest.split(separator: " ") {
            if word.contains("=") { break }
            message.append(word)
        }
        self.message = message.joined(separator: " ")
        fields = Self.fields(of: rest)
    }

    public subscript(_ key: String) -> String? { fields[key] }

    public var description: String { text }

    /// The `key=value` fields of `text`; values may be double-quoted with `\"` and `\\` escapes.
    public static func fields(of text: String) -> [String: String] {
        var result: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            guard let equals = text[index...].firstIndex(of: "=") else { break }
            let keyStart = text[..<equals].lastIndex(of: " ").map { text.index(after: $0) } ?? text.startIndex
            var cursor = text.index(after: equals)
            var value = ""
            if cursor < text.endIndex, text[cursor] == "\"" {
                cursor = text.index(after: cursor)
                while cursor < text.endIndex, text[cursor] != "\"" {
                    if text[cursor] == "\\" { cursor = text.index(after: cursor) }
                    if cursor < text.endIndex { value.append(text[cursor]) }
                    cursor = text.index(after: cursor)
                }
                if cursor < text.endIndex { cursor = text.index(after: cursor) }
            } else {
                let end = text[cursor...].firstIndex(of: " ") ?? text.endIndex
                value = String(text[cursor..<end])
                cursor = end
            }
            result[String(text[keyStart..<equals])] = value
            index = cursor
        }
        return result
    }
}
