import COpenSSL
import TLS

/// A certificate's identity in OCSP (RFC 6960 `CertID`): SHA-1 hashes of its issuer's name and
/// public key, and its serial number.
///
/// A value type: it keeps the DER encoding and the decoded fields, and rebuilds OpenSSL's
/// `OCSP_CERTID` only for the duration of a call, so it owns no pointer and is `Sendable`.
public struct OCSPCertID: Sendable, Hashable, CustomStringConvertible {
    /// SHA-1 of the issuer's DER-encoded subject name, lower-case hex.
    public let issuerNameHash: String
    /// SHA-1 of the issuer's public key (the BIT STRING contents), lower-case hex.
    public let issuerKeyHash: String
    /// The certificate's serial number in upper-case hex, as `openssl x509 -serial` prints it.
    public let serial: String
    /// The DER encoding of the CertID.
    public let der: [UInt8]
    /// Lower-case hex SHA-256 of `der`: 64 characters of `[0-9a-f]`, stable across runs and safe as
    /// a file name (the disk cache names its files after it).
    public let key: String

    /// The CertID of `leaf` as issued by `issuer`, hashed with SHA-1 (what responders expect).
    public init(leaf: X509Certificate, issuer: X509Certificate) throws(OCSPEncodingError) {
        // OCSP_cert_to_id returns a new OCSP_CERTID that we own; freed by the defer.
        guard let id = OCSP_cert_to_id(EVP_sha1(), leaf.pointer, issuer.pointer) else {
            throw OCSPEncodingError(
                operation: "OCSP_cert_to_id", message: "cannot compute the CertID of \(leaf.subject)")
        }
        defer { OCSP_CERTID_free(id) }
        try self.init(borrowing: id)
    }

    /// Reads an OpenSSL CertID; `id` stays owned by the caller.
    init(borrowing id: OpaquePointer) throws(OCSPEncodingError) {
        var nameHash: UnsafeMutablePointer<ASN1_OCTET_STRING>?
        var keyHash: UnsafeMutablePointer<ASN1_OCTET_STRING>?
        var serialNumber: UnsafeMutablePointer<ASN1_INTEGER>?
        // get0: the three pointers borrow from `id`.
        guard OCSP_id_get0_info(&nameHash, nil, &keyHash, &serialNumber, id) == 1,
            let der = OpenSSLValues.der({ i2d_OCSP_CERTID(id, $0) }), let key = HexEncoding.sha256(der)
        else {
            throw OCSPEncodingError(operation: "i2d_OCSP_CERTID", message: "cannot encode a CertID")
        }
        issuerNameHash = HexEncoding.encode(OpenSSLValues.bytes(nameHash))
        issuerKeyHash = HexEncoding.encode(OpenSSLValues.bytes(keyHash))
        serial = OpenSSLValues.hex(serialNumber)
        self.der = der
        self.key = key
    }

    /// Gives `body` a fresh OpenSSL `OCSP_CERTID` decoded from `der`, freed when `body` returns.
    func withOpenSSLCertID<T>(_ body: (OpaquePointer) -> T) throws(OCSPEncodingError) -> T {
        guard let id = makeOpenSSLCertID() else {
            throw OCSPEncodingError(operation: "d2i_OCSP_CERTID", message: "cannot decode CertID \(key)")
        }
        defer { OCSP_CERTID_free(id) }
        return body(id)
    }

    /// A new OpenSSL `OCSP_CERTID` decoded from `der`; the caller owns it (free with
    /// `OCSP_CERTID_free`, or hand it to an `add0` function).
    func makeOpenSSLCertID() -> OpaquePointer? {
        der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_OCSP_CERTID(nil, &cursor, buffer.count)
        }
    }

    public var description: String {
        "serial \(serial) (issuer name hash \(issuerNameHash), key hash \(issuerKeyHash))"
    }
}
