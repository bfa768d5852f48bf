import TLS

/// Why an OCSP response was rejected: one case per check, in the order the verifier runs them.
///
/// `name` is stable (logs, metrics labels, tests); `description` is the sentence for an operator.
/// A rejected response never replaces the staple being served.
public enum OCSPVerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a DER `OCSPResponse` (empty, truncated, trailing bytes, bad fields); OpenSSL's words.
    case malformed(String)
    /// The responder answered with an error status instead of a response.
    case responseStatus(OCSPResponseStatus)
    /// `successful`, but without an `id-pkix-ocsp-basic` response.
    case notBasic
    /// The signature does not verify with the signer's key.
    case signatureInvalid(String)
    /// The signer is neither the issuer nor a responder the issuer delegated.
    case signerNotAuthorized(OCSPSignerProblem)
    /// No SingleResponse carries this certificate's CertID; `found` lists those present.
    case certIDNotFound(expected: OCSPCertID, found: [String])
    /// `thisUpdate` is later than now plus the allowed clock skew.
    case thisUpdateInFuture(thisUpdate: Int64, now: Int64, maxClockSkew: Int64)
    /// `nextUpdate` has passed.
    case expired(nextUpdate: Int64, now: Int64)
    /// No `nextUpdate`, and `thisUpdate` is older than the accepted maximum age.
    case noNextUpdateTooOld(thisUpdate: Int64, now: Int64, maxAge: Int64)
    /// The responder does not know the certificate.
    case statusUnknown
    /// OpenSSL failed on our side (allocation, encoding); not the response's fault.
    case internalError(String)

    /// The case name: `signatureInvalid`, `certIDNotFound`, ...
    public var name: String {
        switch self {
        case .malformed: "malformed"
        case .responseStatus: "responseStatus"
        case .notBasic: "notBasic"
        case .signatureInvalid: "signatureInvalid"
        case .signerNotAuthorized: "signerNotAuthorized"
        case .certIDNotFound: "certIDNotFound"
        case .thisUpdateInFuture: "thisUpdateInFuture"
        case .expired: "expired"
        case .noNextUpdateTooOld: "noNextUpdateTooOld"
        case .statusUnknown: "statusUnknown"
        case .internalError: "internalError"
        }
    }

    public var description: String {
        switch self {
        case .malformed(let detail):
            "malformed OCSP response: \(detail)"
        case .responseStatus(let status):
            "the responder answered \(status) (\(status.code)) instead of a response"
        case .notBasic:
            "the response is not a basic OCSP response (id-pkix-ocsp-basic)"
        case .signatureInvalid(let detail):
            "the response signature does not verify: \(detail)"
        case .signerNotAuthorized(let problem):
            "the response signer is not authorized: \(problem)"
        case .certIDNotFound(let expected, let found):
            "the response has no status for \(expected); it covers "
                + (found.isEmpty ? "no certificate" : found.joined(separator: ", "))
        case .thisUpdateInFuture(let thisUpdate, let now, let skew):
            "thisUpdate \(UTCTime.format(thisUpdate)) is \(thisUpdate - now) s in the future "
                + "(allowed clock skew \(skew) s)"
        case .expired(let nextUpdate, let now):
            "the response expired: nextUpdate \(UTCTime.format(nextUpdate)) is \(now - nextUpdate) s in the past"
        case .noNextUpdateTooOld(let thisUpdate, let now, let maxAge):
            "the response has no nextUpdate and its thisUpdate \(UTCTime.format(thisUpdate)) is \(now - thisUpdate) s "
                + "old (accepted up to \(maxAge) s)"
        case .statusUnknown:
            "the responder answered certStatus unknown: it does not know this certificate"
        case .internalError(let detail):
            "OpenSSL failed while verifying: \(detail)"
        }
    }
}

/// Why a response's signer is not authorized to speak for the certificate's issuer.
public enum OCSPSignerProblem: Sendable, Hashable, CustomStringConvertible {
    /// The responder ID matches neither the issuer nor any certificate included in the response:
    /// an unrelated key.
    case unknownResponder(OCSPResponderID)
    /// The signer certificate was not issued (and signed) by the certificate's issuer.
    case notIssuedByIssuer(signer: String, issuer: String)
    /// A delegated responder certificate without `id-kp-OCSPSigning` in its extended key usage.
    case missingOCSPSigningUsage(signer: String)
    /// A delegated responder certificate past its notAfter.
    case delegateExpired(signer: String, notAfter: Int64)
    /// A delegated responder certificate before its notBefore.
    case delegateNotYetValid(signer: String, notBefore: Int64)

    public var description: String {
        switch self {
        case .unknownResponder(let id):
            "responder \(id) is neither the issuer nor a certificate included in the response"
        case .notIssuedByIssuer(let signer, let issuer):
            "signer \(signer) was not issued by \(issuer)"
        case .missingOCSPSigningUsage(let signer):
            "delegated responder \(signer) lacks the OCSPSigning extended key usage"
        case .delegateExpired(let signer, let notAfter):
            "delegated responder \(signer) expired at \(UTCTime.format(notAfter))"
        case .delegateNotYetValid(let signer, let notBefore):
            "delegated responder \(signer) is not valid before \(UTCTime.format(notBefore))"
        }
    }
}
