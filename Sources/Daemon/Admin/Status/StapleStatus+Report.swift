import Stapling

extension StapleStatus {
    /// The order of certificates in every admin report: chain file, then subject, then serial.
    static func reportOrder(_ a: StapleStatus, _ b: StapleStatus) -> Bool {
        (a.chainPath, a.subject, a.serial) < (b.chainPath, b.subject, b.serial)
    }

    /// Fetched, static file, or missing issuer (stapling wanted but impossible): the certificates
    /// whose staple state is worth a series or an alarm.
    var takesPartInStapling: Bool {
        switch applicability {
        case .fetched, .staticFile, .missingIssuer: true
        case .notApplicable, .disabled: false
        }
    }

    /// The responder said `revoked` (the held response, valid or not).
    var isRevoked: Bool { certStatus?.hasPrefix("revoked") == true }

    /// `valid` (served now), `expired` (held but past its nextUpdate: never served) or `none`.
    func stapleState(now: Int64) -> String {
        guard let validUntil else { return "none" }
        return validUntil > now ? "valid" : "expired"
    }
}
