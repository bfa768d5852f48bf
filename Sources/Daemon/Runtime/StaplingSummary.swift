import Glibc
import Stapling

/// The one-line stapling summary for logs and systemd's STATUS=:
/// "3 certificates: 2 stapled, 1 not applicable".
struct StaplingSummary {
    let line: String

    init(_ statuses: [StapleStatus], now: Int64 = Int64(time(nil))) {
        var stapled = 0
        var notApplicable = 0
        var disabled = 0
        var without = 0
        var revoked = 0
        var mustStapleWithout = 0
        for status in statuses {
            switch status.applicability {
            case .notApplicable: notApplicable += 1
            case .disabled: disabled += 1
            case .fetched, .staticFile, .missingIssuer:
                if status.isStapled(now: now) {
                    stapled += 1
                    if status.certStatus?.hasPrefix("revoked") == true { revoked += 1 }
                } else {
                    without += 1
                    if status.mustStaple { mustStapleWithout += 1 }
                }
            }
        }
        var parts = ["\(stapled) stapled"]
        if without > 0 { parts.append("\(without) without staple") }
        if mustStapleWithout > 0 { parts.append("\(mustStapleWithout) Must-Staple without staple") }
        if revoked > 0 { parts.append("\(revoked) revoked") }
        if notApplicable > 0 { parts.append("\(notApplicable) not applicable") }
        if disabled > 0 { parts.append("\(disabled) disabled") }
        let count = statuses.count
        line = "\(count) certificate\(count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }
}
