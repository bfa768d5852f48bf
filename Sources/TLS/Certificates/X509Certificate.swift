import COpenSSL
import CStapledShims
import Glibc

/// One X.509 certificate, owning a reference to OpenSSL's `X509`.
///
/// The object is immutable after loading; the facts operators and the stapling engine need
/// (names, serial, validity, OCSP URLs, Must-Staple) are read once at load.
// @unchecked Sendable: the X509 is never mutated after parsing, and OpenSSL's reference count
// (X509_up_ref/X509_free) is atomic, so sharing the pointer across threads is safe.
public final class X509Certificate: @unchecked Sendable, CustomStringConvertible {
    /// The owned `X509 *`; freed in `deinit`. Borrowers must not outlive this object
    /// unless they take their own reference with `X509_up_ref`.
    public let pointer: OpaquePointer

    /// The subject as an OpenSSL one-line name (`/CN=example.com/O=...`).
    public let subject: String
    /// The issuer's name, same format.
    public let issuerName: String
    /// The serial number in upper-case hex, as `openssl x509 -serial` prints it.
    public let serialHex: String
    /// Validity bounds in seconds since the Unix epoch.
    public let notBefore: Int64
    public let notAfter: Int64
    /// DNS names from subjectAltName, lower-cased; the subject CN when there is no DNS SAN.
    public let dnsNames: [String]
    /// AIA OCSP responder URLs, in certificate order.
    public let ocspURLs: [String]
    /// True when the TLS Feature extension lists status_request (RFC 7633 "Must-Staple").
    public let mustStaple: Bool
    public let keyType: KeyType
    public let keyBits: Int
    /// True for a CA certificate (basicConstraints cA).
    public let isCA: Bool

    /// Takes ownership of `pointer` (one reference).
    public init(taking pointer: OpaquePointer) {
        self.pointer = pointer
        subject = Self.oneLine(X509_get_subject_name(pointer))
        issuerName = Self.oneLine(X509_get_issuer_name(pointer))
        serialHex = Self.serial(of: pointer)
        notBefore = Self.epoch(X509_get0_notBefore(pointer))
        notAfter = Self.epoch(X509_get0_notAfter(pointer))
        let sans = Self.subjectAltDNSNames(of: pointer)
        dnsNames = sans.isEmpty ? Self.commonName(of: pointer).map { [$0.lowercased()] } ?? [] : sans
        ocspURLs = Self.ocspURLs(of: pointer)
        mustStaple = Self.hasStatusRequestFeature(pointer)
        (keyType, keyBits) = Self.keyInfo(of: pointer)
        isCA = X509_check_ca(pointer) > 0
    }

    deinit { X509_free(pointer) }

    public var description: String { subject }

    /// DER encoding of the certificate.
    public var der: [UInt8] {
        let length = i2d_X509(pointer, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_X509(pointer, &cursor)
        }
        return bytes
    }

    /// SHA-256 fingerprint of the DER, lower-case hex: identifies "the same certificate" across reloads.
    public var fingerprint: String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(pointer, EVP_sha256(), &digest, &length) == 1 else { return "" }
        return digest.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// True when `issuer` signed this certificate (names chain and the signature verifies).
    public func isIssued(by issuer: X509Certificate) -> Bool {
        guard X509_check_issued(issuer.pointer, pointer) == X509_V_OK else { return false }
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        let ok = X509_verify(pointer, key) == 1
        OpenSSLErrorQueue.clear()
        return ok
    }

    /// True when this certificate's names cover `host` (exact or single-label wildcard, case-insensitive).
    public func covers(host: String) -> Bool {
        let host = host.lowercased()
        return dnsNames.contains { HostNameMatch.matches(pattern: $0, host: host) }
    }

    // MARK: - Extraction helpers

    private static func oneLine(_ name: OpaquePointer?) -> String {
        guard let name, let text = X509_NAME_oneline(name, nil, 0) else { return "" }
        defer { CStapledShims_OPENSSL_free(text) }
        return String(cString: text)
    }

    private static func serial(of x509: OpaquePointer) -> String {
        guard let serial = X509_get0_serialNumber(x509), let bn = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { CStapledShims_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    static func epoch(_ time: UnsafePointer<ASN1_TIME>?) -> Int64 {
        guard let time else { return 0 }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return 0 }
        return Int64(timegm(&parts))
    }

    private static func subjectAltDNSNames(of x509: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(x509, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { CStapledShims_GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<CStapledShims_sk_GENERAL_NAME_num(names) {
            guard let entry = CStapledShims_sk_GENERAL_NAME_value(names, index), entry.pointee.type == GEN_DNS,
                let ia5 = entry.pointee.d.dNSName, let data = ASN1_STRING_get0_data(ia5)
            else { continue }
            let length = Int(ASN1_STRING_length(ia5))
            result.append(String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self).lowercased())
        }
        return result
    }

    private static func commonName(of x509: OpaquePointer) -> String? {
        guard let name = X509_get_subject_name(x509) else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index),
            let value = X509_NAME_ENTRY_get_data(entry), let data = ASN1_STRING_get0_data(value)
        else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(value))), as: UTF8.self)
    }

    private static func ocspURLs(of x509: OpaquePointer) -> [String] {
        guard let stack = X509_get1_ocsp(x509) else { return [] }
        defer { X509_email_free(stack) }
        return (0..<CStapledShims_sk_OPENSSL_STRING_num(stack)).compactMap { index in
            CStapledShims_sk_OPENSSL_STRING_value(stack, index).map { String(cString: $0) }
        }
    }

    /// RFC 7633: the TLS Feature extension is a SEQUENCE OF INTEGER; status_request is 5.
    private static func hasStatusRequestFeature(_ x509: OpaquePointer) -> Bool {
        let index = X509_get_ext_by_NID(x509, NID_tlsfeature, -1)
        guard index >= 0, let ext = X509_get_ext(x509, index), let octets = X509_EXTENSION_get_data(ext),
            let data = ASN1_STRING_get0_data(octets)
        else { return false }
        let bytes = Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(octets))))
        return DERIntegerSequence.values(in: bytes).contains(5)
    }

    private static func keyInfo(of x509: OpaquePointer) -> (KeyType, Int) {
        guard let key = X509_get0_pubkey(x509) else { return (.other, 0) }
        let bits = Int(EVP_PKEY_get_bits(key))
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_EC: return (.ecdsa, bits)
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS: return (.rsa, bits)
        case EVP_PKEY_ED25519: return (.ed25519, bits)
        case EVP_PKEY_ED448: return (.ed448, bits)
        default: return (.other, bits)
        }
    }
}

/// The small DER reader the TLS Feature extension needs: a SEQUENCE of short INTEGERs.
enum DERIntegerSequence {
    static func values(in bytes: [UInt8]) -> [Int] {
        guard bytes.count >= 2, bytes[0] == 0x30, bytes[1] < 0x80 else { return [] }
        var values: [Int] = []
        var index = 2
        let end = min(bytes.count, 2 + Int(bytes[1]))
        while index + 2 <= end, bytes[index] == 0x02 {
            let length = Int(bytes[index + 1])
            guard length >= 1, length <= 4, index + 2 + length <= end else { break }
            values.append(bytes[(index + 2)..<(index + 2 + length)].reduce(0) { $0 << 8 | Int($1) })
            index += 2 + length
        }
        return values
    }
}

/// Host-name matching for SNI: exact, or a `*.` wildcard standing for exactly one left-most label.
public enum HostNameMatch {
    /// Both arguments lower-case.
    public static func matches(pattern: String, host: String) -> Bool {
        if pattern == host { return true }
        guard pattern.hasPrefix("*."), let dot = host.firstIndex(of: ".") else { return false }
        return host[host.index(after: dot)...] == pattern.dropFirst(2) && dot != host.startIndex
    }
}
