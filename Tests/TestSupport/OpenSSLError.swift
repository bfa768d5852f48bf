import COpenSSL

extension TestSupportError {
    /// An OpenSSL failure: `operation` plus this thread's error queue, drained into text.
    static func openSSL(_ operation: String, _ context: String = "") -> TestSupportError {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let queue = messages.isEmpty ? "no OpenSSL error queued" : messages.joined(separator: "; ")
        return TestSupportError(.openSSL, operation, context.isEmpty ? queue : "\(context): \(queue)")
    }
}

/// Reads PEM files into OpenSSL objects; the caller owns (frees) what it gets.
enum PEMFile {
    /// The first certificate in `path` (`X509_free` it).
    static func certificate(_ path: String) throws -> OpaquePointer {
        guard let bio = BIO_new_file(path, "r") else { throw TestSupportError.openSSL("BIO_new_file", path) }
        defer { BIO_free(bio) }
        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
            throw TestSupportError.openSSL("PEM_read_bio_X509", path)
        }
        return certificate
    }

    /// The private key in `path` (`EVP_PKEY_free` it).
    static func privateKey(_ path: String) throws -> OpaquePointer {
        guard let bio = BIO_new_file(path, "r") else { throw TestSupportError.openSSL("BIO_new_file", path) }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw TestSupportError.openSSL("PEM_read_bio_PrivateKey", path)
        }
        return key
    }
}
