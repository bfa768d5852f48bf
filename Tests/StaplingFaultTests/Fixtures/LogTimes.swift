import Foundation

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
