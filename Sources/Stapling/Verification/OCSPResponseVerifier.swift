import COpenSSL
import TLS

/// Decides whether an OCSP response may be stapled for a certificate (DESIGN.md, "The stapling
/// rules", Verification).
///
/// Every response goes through it: fetched, loaded from the disk cache, or read from a static
/// file. Trust comes from the certificate's own issuer only, never from the system trust store.
/// The checks run in a fixed order and the first that fails is reported by its own case of
/// `OCSPVerificationFailure`.
public enum OCSPResponseVerifier {
    /// Verifies `der` as the OCSP response for `leaf` (issued by `issuer`) at time `now` (seconds
    /// since the epoch). `good` and `revoked` responses pass; `unknown` does not.
    public static func verify(
        der: [UInt8], leaf: X509Certificate, issuer: X509Certificate, now: Int64,
        settings: VerificationSettings = VerificationSettings()
    ) -> Result<VerifiedOCSPResponse, OCSPVerificationFailure> {
        // Failures leave reasons on OpenSSL's per-thread error queue: start clean so that the
        // text drained into a failure is about this response, and leave it clean.
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        do {
            return .success(try check(der: der, leaf: leaf, issuer: issuer, now: now, settings: settings))
        } catch {
            return .failure(error)
        }
    }

    private static func check(
        der: [UInt8], leaf: X509Certificate, issuer: X509Certificate, now: Int64, settings: VerificationSettings
    ) throws(OCSPVerificationFailure) -> VerifiedOCSPResponse {
        let response = try parse(der)
        defer { OCSP_RESPONSE_free(response) }

        let responseStatus = OCSP_response_status(response)
        guard responseStatus == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            throw .responseStatus(OCSPResponseStatus(code: responseStatus))
        }
        // get1: a new reference we own, freed by the defer.
        guard let basic = OCSP_response_get1_basic(response) else { throw .notBasic }
        defer { OCSP_BASICRESP_free(basic) }

        let signer = try checkSigner(of: basic, issuer: issuer, now: now)

        let certID: OCSPCertID
        do {
            certID = try OCSPCertID(leaf: leaf, issuer: issuer)
        } catch {
            throw .internalError(error.description)
        }
        let single = try singleResponse(in: basic, for: certID)

        var reason: Int32 = OCSP_REVOKED_STATUS_NOSTATUS
        var revokedAt: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdateTime: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdateTime: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        // get0: the times borrow from `basic`.
        let certStatus = OCSP_single_get0_status(single, &reason, &revokedAt, &thisUpdateTime, &nextUpdateTime)

        let validity = try checkValidity(
            thisUpdate: thisUpdateTime, nextUpdate: nextUpdateTime, now: now, settings: settings)

        let status: OCSPCertStatus
        switch certStatus {
        case V_OCSP_CERTSTATUS_GOOD:
            status = .good
        case V_OCSP_CERTSTATUS_REVOKED:
            guard let time = OpenSSLValues.epoch(revokedAt) else { throw .malformed("unreadable revocationTime") }
            status = .revoked(time: time, reason: RevocationReason(code: reason))
        case V_OCSP_CERTSTATUS_UNKNOWN:
            throw .statusUnknown
        default:
            throw .malformed("unreadable certStatus")
        }

        guard let producedAt = OpenSSLValues.epoch(OCSP_resp_get0_produced_at(basic)) else {
            throw .malformed("unreadable producedAt")
        }
        return VerifiedOCSPResponse(
            der: der, certID: certID, certStatus: status, thisUpdate: validity.thisUpdate,
            nextUpdate: validity.nextUpdate, validUntil: validity.validUntil, producedAt: producedAt,
            responderID: responderID(of: basic), signer: signer)
    }

    /// Decodes the whole of `der` as an `OCSPResponse`; the caller owns (and frees) the result.
    private static func parse(_ der: [UInt8]) throws(OCSPVerificationFailure) -> OpaquePointer {
        guard !der.isEmpty else { throw .malformed("empty") }
        var consumed = 0
        let response: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let parsed = d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
            if let cursor, let base = buffer.baseAddress { consumed = cursor - base }
            return parsed
        }
        guard let response else {
            throw .malformed(openSSLReason(or: "not a DER OCSPResponse"))
        }
        guard consumed == der.count else {
            OCSP_RESPONSE_free(response)
            throw .malformed("\(der.count - consumed) bytes follow the end of the response")
        }
        return response
    }

    /// The SingleResponse whose CertID equals `certID` exactly: hash algorithm, issuer name hash,
    /// issuer key hash and serial. Borrowed from `basic`.
    private static func singleResponse(
        in basic: OpaquePointer, for certID: OCSPCertID
    ) throws(OCSPVerificationFailure) -> OpaquePointer {
        let index: Int32
        do {
            index = try certID.withOpenSSLCertID { OCSP_resp_find(basic, $0, -1) }
        } catch {
            throw .internalError(error.description)
        }
        guard index >= 0, let single = OCSP_resp_get0(basic, index) else {
            let found = (0..<max(0, OCSP_resp_count(basic))).compactMap { i -> String? in
                guard let id = OCSP_resp_get0(basic, i).flatMap({ OCSP_SINGLERESP_get0_id($0) }) else { return nil }
                return (try? OCSPCertID(borrowing: id))?.description
            }
            throw .certIDNotFound(expected: certID, found: found)
        }
        return single
    }

    private struct Validity {
        var thisUpdate: Int64
        var nextUpdate: Int64?
        var validUntil: Int64
    }

    private static func checkValidity(
        thisUpdate thisUpdateTime: UnsafePointer<ASN1_GENERALIZEDTIME>?,
        nextUpdate nextUpdateTime: UnsafePointer<ASN1_GENERALIZEDTIME>?, now: Int64, settings: VerificationSettings
    ) throws(OCSPVerificationFailure) -> Validity {
        guard let thisUpdate = OpenSSLValues.epoch(thisUpdateTime) else { throw .malformed("unreadable thisUpdate") }
        guard thisUpdate <= now + settings.maxClockSkew else {
            throw .thisUpdateInFuture(thisUpdate: thisUpdate, now: now, maxClockSkew: settings.maxClockSkew)
        }
        guard let nextUpdateTime else {
            // Strictly younger than the maximum age: the response expires at thisUpdate + maxAge
            // (validUntil), so one of that age or older (any, with 0) could never be sent and must
            // not replace the staple being served.
            guard now - thisUpdate < settings.maxAgeWithoutNextUpdate else {
                throw .noNextUpdateTooOld(thisUpdate: thisUpdate, now: now, maxAge: settings.maxAgeWithoutNextUpdate)
            }
            return Validity(
                thisUpdate: thisUpdate, nextUpdate: nil, validUntil: thisUpdate + settings.maxAgeWithoutNextUpdate)
        }
        guard let nextUpdate = OpenSSLValues.epoch(nextUpdateTime) else { throw .malformed("unreadable nextUpdate") }
        guard nextUpdate > now else { throw .expired(nextUpdate: nextUpdate, now: now) }
        return Validity(thisUpdate: thisUpdate, nextUpdate: nextUpdate, validUntil: nextUpdate)
    }

    /// The responder ID of `basic`, by name or by key hash.
    static func responderID(of basic: OpaquePointer) -> OCSPResponderID {
        var keyHash: UnsafePointer<ASN1_OCTET_STRING>?
        var name: OpaquePointer?
        // get0: both borrow from `basic`.
        guard OCSP_resp_get0_id(basic, &keyHash, &name) == 1 else { return .name("") }
        if let name { return .name(OpenSSLValues.oneLine(name)) }
        return .keyHash(HexEncoding.encode(OpenSSLValues.bytes(keyHash)))
    }

    /// OpenSSL's error queue as one string, or `fallback` when it is empty.
    static func openSSLReason(or fallback: String) -> String {
        let errors = OpenSSLErrorQueue.drain()
        return errors.isEmpty ? fallback : errors.joined(separator: "; ")
    }
}
