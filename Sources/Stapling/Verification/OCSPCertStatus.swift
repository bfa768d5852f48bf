import COpenSSL
import TLS

/// What a verified response says about the certificate. `unknown` never gets this far: the
/// verifier rejects it.
public enum OCSPCertStatus: Sendable, Hashable, CustomStringConvertible {
    case good
    /// Revoked at `time` (seconds since the epoch), for `reason` when the responder gave one.
    case revoked(time: Int64, reason: RevocationReason?)

    public var isRevoked: Bool {
        if case .revoked = self { return true }
        return false
    }

    /// `good`, or `revoked` (the word the cache sidecar and the status page use).
    public var name: String { isRevoked ? "revoked" : "good" }

    public var description: String {
        switch self {
        case .good: "good"
        case .revoked(let time, let reason):
            "revoked at \(UTCTime.format(time))" + (reason.map { " (\($0))" } ?? "")
        }
    }
}

/// A CRLReason (RFC 5280 §5.3.1) given with a revocation.
public enum RevocationReason: Sendable, Hashable, CustomStringConvertible {
    case unspecified
    case keyCompromise
    case cACompromise
    case affiliationChanged
    case superseded
    case cessationOfOperation
    case certificateHold
    case removeFromCRL
    case privilegeWithdrawn
    case aACompromise
    /// A value RFC 5280 does not define.
    case other(Int)

    /// nil for OpenSSL's "no reason given" (`OCSP_REVOKED_STATUS_NOSTATUS`).
    init?(code: Int32) {
        switch code {
        case OCSP_REVOKED_STATUS_NOSTATUS: return nil
        case OCSP_REVOKED_STATUS_UNSPECIFIED: self = .unspecified
        case OCSP_REVOKED_STATUS_KEYCOMPROMISE: self = .keyCompromise
        case OCSP_REVOKED_STATUS_CACOMPROMISE: self = .cACompromise
        case OCSP_REVOKED_STATUS_AFFILIATIONCHANGED: self = .affiliationChanged
        case OCSP_REVOKED_STATUS_SUPERSEDED: self = .superseded
        case OCSP_REVOKED_STATUS_CESSATIONOFOPERATION: self = .cessationOfOperation
        case OCSP_REVOKED_STATUS_CERTIFICATEHOLD: self = .certificateHold
        case OCSP_REVOKED_STATUS_REMOVEFROMCRL: self = .removeFromCRL
        case OCSP_REVOKED_STATUS_PRIVILEGEWITHDRAWN: self = .privilegeWithdrawn
        case OCSP_REVOKED_STATUS_AACOMPROMISE: self = .aACompromise
        default: self = .other(Int(code))
        }
    }

    /// The RFC 5280 name (`keyCompromise`).
    public var description: String {
        switch self {
        case .unspecified: "unspecified"
        case .keyCompromise: "keyCompromise"
        case .cACompromise: "cACompromise"
        case .affiliationChanged: "affiliationChanged"
        case .superseded: "superseded"
        case .cessationOfOperation: "cessationOfOperation"
        case .certificateHold: "certificateHold"
        case .removeFromCRL: "removeFromCRL"
        case .privilegeWithdrawn: "privilegeWithdrawn"
        case .aACompromise: "aACompromise"
        case .other(let code): "reason \(code)"
        }
    }
}
