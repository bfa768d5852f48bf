import Foundation
import TestSupport

/// What `openssl ocsp -respin` (an independent parser) reads in a DER OCSP response.
struct StapleFacts {
    /// `good`, `revoked` or `unknown`.
    let certStatus: String
    /// The `This Update:` line, as openssl prints it.
    let thisUpdate: String
    let hasNextUpdate: Bool

    init(der: [UInt8]) throws {
        let directory = try TemporaryDirectory(prefix: "faults-staple")
        let path = try directory.write(der, to: "staple.der")
        let text = try ChildProcess.runChecked(["openssl", "ocsp", "-respin", path, "-resp_text", "-noverify"]).stdout
        func value(after label: String) -> String? {
            text.split(separator: "\n").lazy.compactMap { line -> String? in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix(label) else { return nil }
                return String(trimmed.dropFirst(label.count)).trimmingCharacters(in: .whitespaces)
            }.first
        }
        certStatus = value(after: "Cert Status:") ?? "?"
        thisUpdate = value(after: "This Update:") ?? "?"
        hasNextUpdate = value(after: "Next Update:") != nil
    }
}
