import COpenSSL
import Foundation

/// Incremental SHA-256 over OpenSSL's EVP interface. Owns its `EVP_MD_CTX` (freed in deinit).
/// Not thread-safe: one hasher per stream of bytes.
public final class SHA256Hasher {
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        self.context = context
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    public func update(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { buffer in _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) }
    }

    /// The digest of everything passed to `update`; the hasher starts over afterwards.
    public func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
        return Array(digest[0..<Int(length)])
    }

    deinit { EVP_MD_CTX_free(context) }
}

/// The SHA-256 of `bytes`, as 64 lowercase hex digits.
public func sha256Hex(_ bytes: some ContiguousBytes) -> String {
    let hasher = SHA256Hasher()
    hasher.update(bytes)
    return hexString(hasher.finalize())
}

/// Lowercase hex of `bytes`.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var result: [UInt8] = []
    for byte in bytes {
        result.append(digits[Int(byte >> 4)])
        result.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: result, as: UTF8.self)
}
