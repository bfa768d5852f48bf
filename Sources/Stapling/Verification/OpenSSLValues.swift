import COpenSSL
import CStapledShims
import Glibc

/// Conversions from OpenSSL's ASN.1 values to plain Swift values. Every function borrows its
/// argument and frees whatever it allocates before returning.
enum OpenSSLValues {
    /// Seconds since the epoch of an ASN.1 UTCTime or GeneralizedTime; nil when unreadable.
    static func epoch(_ time: UnsafePointer<ASN1_TIME>?) -> Int64? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Int64(timegm(&parts))
    }

    /// The bytes of an ASN.1 string (OCTET STRING, IA5String, ...).
    static func bytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    /// An ASN.1 INTEGER in upper-case hex, the way `X509Certificate.serialHex` and
    /// `openssl x509 -serial` print it.
    static func hex(_ integer: UnsafePointer<ASN1_INTEGER>?) -> String {
        guard let integer, let number = ASN1_INTEGER_to_BN(integer, nil) else { return "" }
        defer { BN_free(number) }
        guard let text = BN_bn2hex(number) else { return "" }
        defer { CStapledShims_OPENSSL_free(text) }
        return String(cString: text)
    }

    /// An X509_NAME as a one-line string (`/CN=example.com/O=...`).
    static func oneLine(_ name: OpaquePointer?) -> String {
        guard let name, let text = X509_NAME_oneline(name, nil, 0) else { return "" }
        defer { CStapledShims_OPENSSL_free(text) }
        return String(cString: text)
    }

    /// Runs an `i2d_*` function twice (length, then bytes) and returns the DER; nil on failure.
    static func der(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]? {
        let length = encode(nil)
        guard length > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return encode(&cursor)
        }
        return written == length ? bytes : nil
    }
}

/// Lower-case hex and SHA-256, the two encodings the engine uses for names and integrity.
enum HexEncoding {
    static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// SHA-256 of `bytes` in lower-case hex (64 characters); nil if OpenSSL cannot digest.
    static func sha256(_ bytes: [UInt8]) -> String? {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &digest, &length, EVP_sha256(), nil)
        }
        return ok == 1 ? encode(digest.prefix(Int(length))) : nil
    }
}
