import COpenSSL

/// A private key, owning OpenSSL's `EVP_PKEY` (freed in `deinit`).
// @unchecked Sendable: the key is never mutated after loading; EVP_PKEY reference counting is atomic.
public final class PrivateKey: @unchecked Sendable {
    public let pointer: OpaquePointer

    public init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    /// Loads the first private key of a PEM file.
    public static func load(pemFile path: String) throws(TLSError) -> PrivateKey {
        let bytes = try FileBytes.read(path)
        let key: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else {
            throw TLSError(
                .invalidKey, operation: "PEM_read_bio_PrivateKey", file: path, message: "no PEM private key found")
        }
        return PrivateKey(taking: key)
    }
}
