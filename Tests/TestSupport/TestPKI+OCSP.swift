import COpenSSL
import Foundation

/// The certStatus of a built OCSP response.
public enum OCSPTestCertStatus: Sendable, Equatable {
    case good
    /// Revoked `revokedAgo` before now, with an RFC 5280 reason code (1 = keyCompromise).
    case revoked(reason: Int32 = 1, revokedAgo: Duration = .seconds(3_600))
    case unknown
}

/// The responseStatus of an OCSP response that carries no basic response.
public enum OCSPErrorStatus: Int32, Sendable {
    case malformedRequest = 1
    case internalError = 2
    case tryLater = 3
    case signatureRequired = 5
    case unauthorized = 6
}

extension TestPKI {
    /// A certificate to sign OCSP responses for the intermediate's leaves: with `delegated`, a
    /// delegated responder certificate issued by the intermediate (EKU OCSPSigning, ocsp-nocheck);
    /// without, the intermediate itself.
    public func makeOCSPResponder(delegated: Bool = true, validity: CertificateValidity = .days(365)) throws
        -> OCSPSigner
    {
        guard delegated else {
            return OCSPSigner(
                kind: .issuer, certificatePath: intermediate.certificatePath, keyPath: intermediate.keyPath)
        }
        let issued = try issue(
            name: "stapled Test OCSP Responder", keyType: .ecdsaP256,
            extensions: [
                "basicConstraints=critical,CA:false", "keyUsage=critical,digitalSignature",
                "extendedKeyUsage=OCSPSigning", "noCheck=ignored", "subjectKeyIdentifier=hash",
                "authorityKeyIdentifier=keyid:always",
            ], validity: validity)
        return OCSPSigner(kind: .delegated, certificatePath: issued.certificatePath, keyPath: issued.keyPath)
    }

    /// A responder certificate issued by the intermediate but lacking `id-kp-OCSPSigning`: a
    /// verifier must reject responses it signs.
    public func makeDelegatedWithoutOCSPSigningEKU() throws -> OCSPSigner {
        let issued = try issue(
            name: "stapled Test Responder Without EKU", keyType: .ecdsaP256,
            extensions: [
                "basicConstraints=critical,CA:false", "keyUsage=critical,digitalSignature",
                "extendedKeyUsage=serverAuth", "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid:always",
            ], validity: .days(365))
        return OCSPSigner(
            kind: .delegatedWithoutOCSPSigningEKU, certificatePath: issued.certificatePath, keyPath: issued.keyPath)
    }

    /// A self-signed certificate with `id-kp-OCSPSigning`, unrelated to this PKI: a verifier must
    /// reject responses it signs.
    public func makeUnrelatedOCSPSigner() throws -> OCSPSigner {
        let keyPath = directory.file("unrelated-signer.key")
        let certificatePath = directory.file("unrelated-signer.pem")
        try ChildProcess.runChecked(
            ["openssl", "genpkey"] + TestKeyType.ecdsaP256.genpkeyArguments + ["-out", keyPath])
        try ChildProcess.runChecked([
            "openssl", "req", "-x509", "-new", "-key", keyPath, "-subj", "/CN=Unrelated OCSP Signer", "-days", "365",
            "-addext", "extendedKeyUsage=OCSPSigning", "-addext", "keyUsage=critical,digitalSignature", "-out",
            certificatePath,
        ])
        return OCSPSigner(kind: .unrelated, certificatePath: certificatePath, keyPath: keyPath)
    }

    /// Builds a DER OCSP response for `leaf` directly with OpenSSL (no responder), with any status
    /// and any thisUpdate/nextUpdate, past ones included: for static staple files and for
    /// expired, future, unknown, revoked or wrongly signed staples.
    ///
    /// - Parameters:
    ///   - signer: nil signs with the intermediate.
    ///   - thisUpdate, nextUpdate: offsets from now; a nil `nextUpdate` omits the field.
    ///   - includeSignerCertificate: put the signer's certificate in the response's `certs`.
    public func makeOCSPResponse(
        for leaf: TestLeaf, signer: OCSPSigner? = nil, status: OCSPTestCertStatus = .good,
        thisUpdate: Duration = .seconds(-60), nextUpdate: Duration? = .seconds(3_600),
        includeSignerCertificate: Bool = true
    ) throws -> [UInt8] {
        let signer =
            signer
            ?? OCSPSigner(
                kind: .issuer, certificatePath: intermediate.certificatePath, keyPath: intermediate.keyPath)
        let certificate = try PEMFile.certificate(leaf.certificatePath)
        defer { X509_free(certificate) }
        let issuer = try PEMFile.certificate(intermediate.certificatePath)
        defer { X509_free(issuer) }
        let signerCertificate = try PEMFile.certificate(signer.certificatePath)
        defer { X509_free(signerCertificate) }
        let signerKey = try PEMFile.privateKey(signer.keyPath)
        defer { EVP_PKEY_free(signerKey) }

        guard let certificateID = OCSP_cert_to_id(EVP_sha1(), certificate, issuer) else {
            throw TestSupportError.openSSL("OCSP_cert_to_id", leaf.certificatePath)
        }
        defer { OCSP_CERTID_free(certificateID) }
        guard let basic = OCSP_BASICRESP_new() else { throw TestSupportError.openSSL("OCSP_BASICRESP_new") }
        defer { OCSP_BASICRESP_free(basic) }

        let thisUpdateTime = X509_gmtime_adj(nil, Self.seconds(thisUpdate))
        defer { ASN1_TIME_free(thisUpdateTime) }
        let nextUpdateTime = nextUpdate.map { X509_gmtime_adj(nil, Self.seconds($0)) } ?? nil
        defer { if let nextUpdateTime { ASN1_TIME_free(nextUpdateTime) } }
        var revocationTime: UnsafeMutablePointer<ASN1_TIME>?
        defer { if let revocationTime { ASN1_TIME_free(revocationTime) } }

        let added: OpaquePointer?
        switch status {
        case .good:
            added = OCSP_basic_add1_status(
                basic, certificateID, V_OCSP_CERTSTATUS_GOOD, -1, nil, thisUpdateTime, nextUpdateTime)
        case .unknown:
            added = OCSP_basic_add1_status(
                basic, certificateID, V_OCSP_CERTSTATUS_UNKNOWN, -1, nil, thisUpdateTime, nextUpdateTime)
        case .revoked(let reason, let revokedAgo):
            revocationTime = X509_gmtime_adj(nil, -Self.seconds(revokedAgo))
            added = OCSP_basic_add1_status(
                basic, certificateID, V_OCSP_CERTSTATUS_REVOKED, reason, revocationTime, thisUpdateTime,
                nextUpdateTime)
        }
        guard added != nil else { throw TestSupportError.openSSL("OCSP_basic_add1_status") }

        let flags = UInt(includeSignerCertificate ? 0 : OCSP_NOCERTS)
        guard OCSP_basic_sign(basic, signerCertificate, signerKey, EVP_sha256(), nil, flags) == 1 else {
            throw TestSupportError.openSSL("OCSP_basic_sign", signer.certificatePath)
        }
        guard let response = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic) else {
            throw TestSupportError.openSSL("OCSP_response_create")
        }
        defer { OCSP_RESPONSE_free(response) }
        return try Self.der(response)
    }

    /// A DER OCSP response with an error `responseStatus` and no body (e.g. tryLater).
    public static func makeOCSPErrorResponse(_ status: OCSPErrorStatus) throws -> [UInt8] {
        guard let response = OCSP_response_create(status.rawValue, nil) else {
            throw TestSupportError.openSSL("OCSP_response_create")
        }
        defer { OCSP_RESPONSE_free(response) }
        return try der(response)
    }

    private static func der(_ response: OpaquePointer) throws -> [UInt8] {
        let length = i2d_OCSP_RESPONSE(response, nil)
        guard length > 0 else { throw TestSupportError.openSSL("i2d_OCSP_RESPONSE") }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_OCSP_RESPONSE(response, &cursor)
        }
        guard written == length else { throw TestSupportError.openSSL("i2d_OCSP_RESPONSE") }
        return bytes
    }

    private static func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }
}
