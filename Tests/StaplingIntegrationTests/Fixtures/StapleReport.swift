import Foundation
import TestSupport

/// What `openssl ocsp -respin STAPLE -issuer ISSUER -cert LEAF -CAfile CA -resp_text` says about a
/// stapled OCSP response: OpenSSL verifies the signature (issuer or delegated responder, chained to
/// the CA file), looks the leaf's CertID up (issuer name and key hash, serial) and prints its status.
struct StapleReport: CustomStringConvertible {
    /// `successful` for a response with a body.
    var responseStatus: String?
    /// `Response verify OK` was printed.
    var signatureVerified: Bool
    /// The status OpenSSL found for the leaf's CertID (`good`, `revoked`, `unknown`); nil when no
    /// SingleResponse matches it ("No Status found").
    var leafStatus: String?
    /// The serial of the (first) SingleResponse's CertID, uppercase hex.
    var serial: String?
    /// thisUpdate and nextUpdate of the (first) SingleResponse, seconds since the epoch.
    var thisUpdate: Int64?
    var nextUpdate: Int64?
    /// Everything OpenSSL printed, for failure messages.
    var output: String

    var description: String { output }

    /// Writes `der` to a file in `directory` and has OpenSSL inspect it for `leaf`.
    static func inspect(_ der: [UInt8], leaf: TestLeaf, pki: TestPKI, in directory: TemporaryDirectory) throws
        -> StapleReport
    {
        let path = try directory.write(der, to: "staple-\(UUID().uuidString).der")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ChildProcess.run(
            [
                "openssl", "ocsp", "-respin", path, "-issuer", pki.intermediate.certificatePath, "-cert",
                leaf.certificatePath, "-CAfile", pki.caBundlePath, "-resp_text",
            ], timeout: .seconds(30))
        return parse(stdout: result.stdout, stderr: result.stderr, leafPath: leaf.certificatePath)
    }

    static func parse(stdout: String, stderr: String, leafPath: String) -> StapleReport {
        let lines = stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func value(after prefix: String) -> String? {
            lines.first { $0.hasPrefix(prefix) }.map {
                String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        let status = value(after: "OCSP Response Status:").map { String($0.prefix { $0 != " " }) }
        let leafLine = value(after: "\(leafPath):")
        return StapleReport(
            responseStatus: status, signatureVerified: stderr.contains("Response verify OK"),
            leafStatus: leafLine.map { String($0.prefix { $0 != " " }) }, serial: value(after: "Serial Number:"),
            thisUpdate: value(after: "This Update:").flatMap(parseTime),
            nextUpdate: value(after: "Next Update:").flatMap(parseTime),
            output: "--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)")
    }

    /// OpenSSL's `Nov 21 04:30:00 2026 GMT` (the day may be space-padded).
    static func parseTime(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 5, parts[4] == "GMT" else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let clock = parts[2].split(separator: ":").compactMap { Int32($0) }
        guard let month = months.firstIndex(of: String(parts[0])), let day = Int32(parts[1]),
            let year = Int32(parts[3]), clock.count == 3
        else { return nil }
        var fields = tm()
        fields.tm_year = year - 1900
        fields.tm_mon = Int32(month)
        fields.tm_mday = day
        fields.tm_hour = clock[0]
        fields.tm_min = clock[1]
        fields.tm_sec = clock[2]
        return Int64(timegm(&fields))
    }
}

/// Seconds since the epoch, as the daemon's clock reads it.
func epochNow() -> Int64 { Int64(time(nil)) }
