/// An OCSP response that passed every check of `OCSPResponseVerifier` for one certificate at one
/// time, with the facts the engine needs, read once.
///
/// Immutable. Only the verifier makes one (tests in this package can too), so holding one means
/// the checks passed; whether it is still valid later is `isValid(at:)`.
public struct VerifiedOCSPResponse: Sendable, Equatable {
    /// The response exactly as received: what is stapled and what the cache stores.
    public let der: [UInt8]
    /// The certificate the response was verified for.
    public let certID: OCSPCertID
    public let certStatus: OCSPCertStatus
    /// Seconds since the epoch.
    public let thisUpdate: Int64
    /// nil when the responder gave none (accepted for `maxAgeWithoutNextUpdate` only).
    public let nextUpdate: Int64?
    /// The effective expiry: `nextUpdate`, or `thisUpdate + maxAgeWithoutNextUpdate` without one.
    /// The staple is never sent at or after this time.
    public let validUntil: Int64
    public let producedAt: Int64
    public let responderID: OCSPResponderID
    public let signer: OCSPSignerRole

    package init(
        der: [UInt8], certID: OCSPCertID, certStatus: OCSPCertStatus, thisUpdate: Int64, nextUpdate: Int64?,
        validUntil: Int64, producedAt: Int64, responderID: OCSPResponderID, signer: OCSPSignerRole
    ) {
        self.der = der
        self.certID = certID
        self.certStatus = certStatus
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.validUntil = validUntil
        self.producedAt = producedAt
        self.responderID = responderID
        self.signer = signer
    }

    /// True while the response may be stapled: `now` is before `validUntil`.
    public func isValid(at now: Int64) -> Bool { now < validUntil }

    /// True when this response is strictly newer (a later `thisUpdate`) than `other`.
    public func isFresher(than other: VerifiedOCSPResponse) -> Bool { thisUpdate > other.thisUpdate }

    /// The no-rollback rule: true when this response may take the place of `current`, that is
    /// when there is none or its `thisUpdate` is not older. An equal `thisUpdate` (the same
    /// response served again from a responder's cache) may replace it.
    public func mayReplace(_ current: VerifiedOCSPResponse?) -> Bool {
        guard let current else { return true }
        return thisUpdate >= current.thisUpdate
    }
}
