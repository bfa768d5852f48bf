/// The `stapled status` table, rendered from a `/status` document: a summary line, then one row
/// per certificate with the facts an operator checks first. Absent values print as `-`.
struct StatusTable {
    static let columns = [
        "SUBJECT", "KEY", "MUST-STAPLE", "STAPLING", "STAPLE", "CERT STATUS", "VALID UNTIL", "NEXT REFRESH",
        "LAST RESULT",
    ]

    let text: String

    init(document: JSONValue) throws(AdminClientError) {
        guard case .object = document, let certificates = document["certificates"]?.arrayValue else {
            throw AdminClientError(.badResponse, "the status document has no \"certificates\" list")
        }
        var out = Self.summary(document)
        if certificates.isEmpty {
            out += "no certificates\n"
        } else {
            out += Self.render([Self.columns] + certificates.map(Self.row))
        }
        text = out
    }

    /// `stapled 0.1.0, started 2026-11-21T04:00:00Z; connections: 3 active, 120 total; handshakes: ...`
    static func summary(_ document: JSONValue) -> String {
        let version = document["version"]?.stringValue ?? "-"
        let started = document["started_at"]?.stringValue ?? "-"
        var line = "stapled \(version), started \(started)"
        if let connections = document["connections"] {
            line += "; connections: \(number(connections["active"])) active, \(number(connections["total"])) total"
        }
        if let handshakes = document["handshakes"] {
            line += "; handshakes: \(number(handshakes["stapled"])) stapled, "
            line += "\(number(handshakes["requested_not_stapled"])) requested but not stapled, "
            line += "\(number(handshakes["not_requested"])) not requested, \(number(handshakes["failed"])) failed"
        }
        return line + "\n\n"
    }

    static func row(_ certificate: JSONValue) -> [String] {
        let staple = certificate["staple"]
        let mustStaple = certificate["must_staple"]?.boolValue.map { $0 ? "yes" : "no" }
        return [
            text(certificate["subject"]), text(certificate["key"]), mustStaple ?? "-", text(certificate["stapling"]),
            text(staple?["state"]), text(staple?["cert_status"]), text(staple?["valid_until"]),
            text(staple?["next_refresh"]), text(certificate["last_result"]),
        ]
    }

    /// Columns padded to their widest cell, two spaces apart; the last column is not padded.
    static func render(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: columns.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 { line += String(repeating: " ", count: widths[index] - cell.count + 2) }
            }
            out += line + "\n"
        }
        return out
    }

    /// A single-line cell: control characters (a newline in a subject) shown as spaces.
    private static func text(_ value: JSONValue?) -> String {
        guard let string = value?.stringValue, !string.isEmpty else { return "-" }
        return String(string.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    private static func number(_ value: JSONValue?) -> String {
        if case .number(let text) = value { return text }
        return "-"
    }
}
