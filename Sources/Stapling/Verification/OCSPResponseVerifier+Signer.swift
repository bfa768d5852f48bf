import COpenSSL
import CStapledShims
import TLS

extension OCSPResponseVerifier {
    /// Finds the response's signer, checks it may speak for `issuer`, and verifies the signature
    /// with that signer's key and no other.
    ///
    /// Authorized signers (RFC 6960 §4.2.2.2): the issuer's own key, or a delegated responder
    /// certificate included in the response that the issuer issued and signed, that carries
    /// `id-kp-OCSPSigning`, and that is valid at `now`. Anything else, including an unrelated key
    /// and a certificate that merely shares the issuer's name, fails.
    static func checkSigner(
        of basic: OpaquePointer, issuer: X509Certificate, now: Int64
    ) throws(OCSPVerificationFailure) -> OCSPSignerRole {
        let signer = try findSigner(of: basic, issuer: issuer)
        let role = try authorize(signer, issuer: issuer, now: now)
        try verifySignature(of: basic, by: signer)
        return role
    }

    /// The certificate the responder ID names: the issuer first, then certificates included in
    /// the response.
    private static func findSigner(
        of basic: OpaquePointer, issuer: X509Certificate
    ) throws(OCSPVerificationFailure) -> X509Certificate {
        guard let candidates = CStapledShims_sk_X509_new_null() else { throw .internalError("sk_X509_new_null") }
        // The stack borrows `issuer.pointer` (no reference taken); sk_X509_free frees the stack only.
        defer { CStapledShims_sk_X509_free(candidates) }
        guard CStapledShims_sk_X509_push(candidates, issuer.pointer) > 0 else { throw .internalError("sk_X509_push") }
        var found: OpaquePointer?
        guard OCSP_resp_get0_signer(basic, &found, candidates) == 1, let found else {
            throw .signerNotAuthorized(.unknownResponder(responderID(of: basic)))
        }
        // get0: `found` borrows from `basic` or `candidates`; X509Certificate takes its own reference.
        X509_up_ref(found)
        return X509Certificate(taking: found)
    }

    private static func authorize(
        _ signer: X509Certificate, issuer: X509Certificate, now: Int64
    ) throws(OCSPVerificationFailure) -> OCSPSignerRole {
        guard let issuerKey = X509_get0_pubkey(issuer.pointer) else {
            throw .internalError("cannot read the public key of the issuer \(issuer.subject)")
        }
        guard let signerKey = X509_get0_pubkey(signer.pointer) else {
            throw .signatureInvalid("cannot read the public key of the signer \(signer.subject)")
        }
        // The issuer's key itself (in whichever certificate the response names it).
        if EVP_PKEY_eq(signerKey, issuerKey) == 1 { return .issuer }

        guard signer.isIssued(by: issuer) else {
            throw .signerNotAuthorized(.notIssuedByIssuer(signer: signer.subject, issuer: issuer.subject))
        }
        // X509_get_extended_key_usage answers "all usages" when the extension is absent: require it.
        let hasExtendedKeyUsage = X509_get_extension_flags(signer.pointer) & UInt32(EXFLAG_XKUSAGE) != 0
        guard hasExtendedKeyUsage, X509_get_extended_key_usage(signer.pointer) & UInt32(XKU_OCSP_SIGN) != 0 else {
            throw .signerNotAuthorized(.missingOCSPSigningUsage(signer: signer.subject))
        }
        guard now >= signer.notBefore else {
            throw .signerNotAuthorized(.delegateNotYetValid(signer: signer.subject, notBefore: signer.notBefore))
        }
        guard now <= signer.notAfter else {
            throw .signerNotAuthorized(.delegateExpired(signer: signer.subject, notAfter: signer.notAfter))
        }
        return .delegated(subject: signer.subject)
    }

    private static func verifySignature(
        of basic: OpaquePointer, by signer: X509Certificate
    ) throws(OCSPVerificationFailure) {
        guard let certificates = CStapledShims_sk_X509_new_null() else { throw .internalError("sk_X509_new_null") }
        // Borrows `signer.pointer`; sk_X509_free frees the stack only.
        defer { CStapledShims_sk_X509_free(certificates) }
        guard CStapledShims_sk_X509_push(certificates, signer.pointer) > 0 else { throw .internalError("sk_X509_push") }
        // An empty store: nothing in it is trusted, the system trust store is never loaded.
        guard let store = X509_STORE_new() else { throw .internalError("X509_STORE_new") }
        defer { X509_STORE_free(store) }
        // OCSP_NOINTERN: the signer is looked up in `certificates` only, which holds just the signer
        // authorized above, so no other key can verify. OCSP_NOVERIFY: no chain building (the
        // authorization above is the chain check against the certificate's own issuer).
        let flags = UInt(OCSP_NOINTERN | OCSP_NOVERIFY)
        guard OCSP_basic_verify(basic, certificates, store, flags) == 1 else {
            throw .signatureInvalid(openSSLReason(or: "signature verification failed"))
        }
    }
}
