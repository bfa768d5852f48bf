import COpenSSL

/// Encodes OCSP requests.
public enum OCSPRequestBuilder {
    /// A DER `OCSPRequest` asking about one certificate: unsigned and without a nonce.
    ///
    /// No nonce on purpose: responders and the CDNs in front of them serve pre-signed responses
    /// from cache, which a nonce defeats (RFC 5019); freshness is checked on `thisUpdate` instead.
    public static func der(for certID: OCSPCertID) throws(OCSPEncodingError) -> [UInt8] {
        guard let request = OCSP_REQUEST_new() else {
            throw OCSPEncodingError(operation: "OCSP_REQUEST_new", message: "cannot build a request for \(certID)")
        }
        defer { OCSP_REQUEST_free(request) }
        guard let id = certID.makeOpenSSLCertID() else {
            throw OCSPEncodingError(operation: "d2i_OCSP_CERTID", message: "cannot decode CertID \(certID.key)")
        }
        // add0: on success the request owns `id` and frees it with itself; on failure it is still ours.
        guard OCSP_request_add0_id(request, id) != nil else {
            OCSP_CERTID_free(id)
            throw OCSPEncodingError(operation: "OCSP_request_add0_id", message: "cannot build a request for \(certID)")
        }
        guard let der = OpenSSLValues.der({ i2d_OCSP_REQUEST(request, $0) }) else {
            throw OCSPEncodingError(operation: "i2d_OCSP_REQUEST", message: "cannot encode a request for \(certID)")
        }
        return der
    }
}
