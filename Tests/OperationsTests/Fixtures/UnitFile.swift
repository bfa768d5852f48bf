import Foundation
import TestSupport

/// A systemd unit file read the simple way: `[Section]` headers and `Key=value` lines (comments
/// and blank lines skipped, no continuation lines). Keys may repeat.
struct UnitFile {
    struct Entry: Equatable {
        var section: String
        var key: String
        var value: String
    }

    let path: String
    let entries: [Entry]

    /// `systemd/stapled.service` in the repository.
    static var repositoryUnitPath: String { "\(StapledBinary.packageRoot)/systemd/stapled.service" }

    init(path: String) throws {
        self.path = path
        var section = ""
        var entries: [Entry] = []
        for raw in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            entries.append(
                Entry(
                    section: section, key: String(line[..<equals]).trimmingCharacters(in: .whitespaces),
                    value: String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)))
        }
        self.entries = entries
    }

    /// Every value of `key` in `[Service]`, in order.
    func values(_ key: String, section: String = "Service") -> [String] {
        entries.filter { $0.section == section && $0.key == key }.map(\.value)
    }

    /// The last value of `key` in `[Service]` (systemd's rule for single-valued settings).
    func value(_ key: String, section: String = "Service") -> String? { values(key, section: section).last }

    /// The keys set in `section`, without repetitions, in order.
    func keys(section: String = "Service") -> [String] {
        var seen = Set<String>()
        return entries.filter { $0.section == section && seen.insert($0.key).inserted }.map(\.key)
    }

    /// A systemd time span (`45s`, `1min 30s`, `2min`, `500ms`, bare seconds) in seconds.
    static func seconds(_ text: String) -> Double? {
        var total = 0.0
        var scanner = Substring(text)
        let units: [(String, Double)] = [
            ("msec", 0.001), ("ms", 0.001), ("min", 60), ("m", 60), ("sec", 1), ("s", 1), ("hr", 3600),
            ("h", 3600),
        ]
        while !scanner.isEmpty {
            scanner = scanner.drop { $0 == " " }
            let number = scanner.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            scanner = scanner.dropFirst(number.count)
            let unitText = scanner.prefix { $0.isLetter }
            scanner = scanner.dropFirst(unitText.count)
            if unitText.isEmpty {
                total += value
            } else if let unit = units.first(where: { $0.0 == unitText }) {
                total += value * unit.1
            } else {
                return nil
            }
        }
        return total
    }
}
