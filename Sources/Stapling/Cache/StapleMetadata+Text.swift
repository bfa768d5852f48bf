import Glibc
import TLS

/// The sidecar format: UTF-8 `key=value` lines, times as ISO 8601 UTC, `#` comments, unknown keys
/// ignored (so a newer daemon's file still loads).
extension StapleMetadata {
    static let formatVersion = "1"

    /// The sidecar text; values have line breaks replaced so every field stays on its line.
    var text: String {
        var lines = ["# stapled OCSP staple metadata; the .der file next to this one is the response", "version=1"]
        func add(_ key: String, _ value: String?) {
            guard let value else { return }
            let oneLine = value.map { $0.isNewline ? " " : String($0) }.joined()
            lines.append("\(key)=\(oneLine)")
        }
        add("subject", subject)
        add("serial", serial)
        add("url", url)
        add("fetchedAt", UTCTime.format(fetchedAt))
        add("httpStatus", httpStatus.map(String.init))
        add("thisUpdate", UTCTime.format(thisUpdate))
        add("nextUpdate", nextUpdate.map(UTCTime.format))
        add("certStatus", certStatus)
        add("derLength", String(derLength))
        add("derSHA256", derSHA256)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses a sidecar; the error names the first line or key at fault.
    init(parsing text: String) throws(MetadataFormatError) {
        var values: [String: String] = [:]
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw MetadataFormatError("line \(number + 1) is not key=value")
            }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard values["version"] == Self.formatVersion else {
            throw MetadataFormatError("unsupported version \(values["version"] ?? "(none)")")
        }
        func required(_ key: String) throws(MetadataFormatError) -> String {
            guard let value = values[key], !value.isEmpty else { throw MetadataFormatError("\(key) is missing") }
            return value
        }
        func time(_ key: String) throws(MetadataFormatError) -> Int64 {
            let value = try required(key)
            guard let seconds = ISO8601UTC.parse(value) else {
                throw MetadataFormatError("\(key) is not a time: \(value)")
            }
            return seconds
        }
        func integer(_ key: String) throws(MetadataFormatError) -> Int {
            let value = try required(key)
            guard let number = Int(value), number >= 0 else {
                throw MetadataFormatError("\(key) is not a count: \(value)")
            }
            return number
        }
        let nextUpdate: Int64? = values["nextUpdate"] == nil ? nil : try time("nextUpdate")
        self.init(
            url: values["url"], fetchedAt: try time("fetchedAt"), httpStatus: values["httpStatus"].flatMap { Int($0) },
            thisUpdate: try time("thisUpdate"), nextUpdate: nextUpdate, certStatus: try required("certStatus"),
            subject: values["subject"] ?? "", serial: values["serial"] ?? "", derLength: try integer("derLength"),
            derSHA256: try required("derSHA256"))
    }
}

/// A sidecar that does not parse; the message says where.
struct MetadataFormatError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Parses exactly the `YYYY-MM-DDTHH:MM:SSZ` form `UTCTime.format` writes.
enum ISO8601UTC {
    static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int64(timegm(&parts))
    }
}
