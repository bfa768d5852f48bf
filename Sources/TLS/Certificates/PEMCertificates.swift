import COpenSSL

/// Reads every certificate of a PEM file, in file order.
public enum PEMCertificates {
    public static func load(file path: String) throws(TLSError) -> [X509Certificate] {
        let bytes = try FileBytes.read(path)
        var certificates: [X509Certificate] = []
        bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return }
            defer { BIO_free(bio) }
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(X509Certificate(taking: x509))
            }
        }
        // Reading stops with a "no start line" error at the end of the file: expected, not a failure.
        OpenSSLErrorQueue.clear()
        guard !certificates.isEmpty else {
            throw TLSError(
                .noCertificate, operation: "PEM_read_bio_X509", file: path, message: "no PEM certificate found")
        }
        return certificates
    }
}
