/// Writes the Prometheus text exposition format (version 0.0.4): one `# HELP` and `# TYPE` line
/// per family, then its samples, with label values and help text escaped as the format requires.
struct ExpositionWriter {
    enum MetricType: String {
        case counter, gauge
    }

    private(set) var text = ""

    /// Starts a family. Samples written after it must use `name` (a counter's samples end in `_total`
    /// and the family is named so too: the 0.0.4 format has no separate family name).
    mutating func family(_ name: String, _ type: MetricType, help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type.rawValue)\n"
    }

    mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, label) in labels.enumerated() {
                if index > 0 { text += "," }
                text += label.0
                text += "=\""
                text += Self.escapeLabelValue(label.1)
                text += "\""
            }
            text += "}"
        }
        text += " "
        text += value
        text += "\n"
    }

    mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: some BinaryInteger) {
        sample(name, labels: labels, String(value))
    }

    mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: Bool) {
        sample(name, labels: labels, value ? "1" : "0")
    }

    /// Label values: backslash, double quote and line feed are escaped (`\\`, `\"`, `\n`).
    static func escapeLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return value }
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// HELP text: backslash and line feed are escaped.
    static func escapeHelp(_ help: String) -> String {
        var out = ""
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Milliseconds as exact decimal seconds (`1234` → `1.234`), no float rounding in the text.
    static func seconds(milliseconds: Int) -> String {
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
