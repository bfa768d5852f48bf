import Foundation

/// One line of the daemon's log: `TIMESTAMP LEVEL MESSAGE key=value key="quoted value" ...`,
/// split into its level, message and fields.
struct LogLine: CustomStringConvertible {
    let text: String
    let level: String
    let message: String
    let fields: [String: String]

    init(_ text: String) {
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

    subscript(_ key: String) -> String? { fields[key] }

    var description: String { text }

    /// The `key=value` fields of `text`; values may be double-quoted with `\"` and `\\` escapes.
    static func fields(of text: String) -> [String: String] {
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

/// A `next_refresh` value: `2026-11-21T04:31:07Z (backoff)` or `... (refreshPoint, overdue)`.
struct NextRefresh {
    /// Seconds since the epoch.
    let at: Int64
    /// The rule that chose it, e.g. `backoff`.
    let reason: String

    init?(_ text: String?) {
        guard let text, let space = text.firstIndex(of: " "), text.hasSuffix(")") else { return nil }
        guard let at = UTCTimestamp.parse(String(text[..<space])) else { return nil }
        let inner = text[text.index(after: space)...].dropFirst().dropLast()
        guard text[text.index(after: space)] == "(" else { return nil }
        self.at = at
        reason = String(inner.split(separator: ",").first ?? "")
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the form the daemon logs times in.
enum UTCTimestamp {
    static func parse(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }

    static func format(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970) }
}
