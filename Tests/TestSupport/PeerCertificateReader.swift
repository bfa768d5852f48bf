import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the fields tests compare out of an `X509` (borrowed: the caller keeps ownership).
enum PeerCertificateReader {
    static func describe(_ certificate: OpaquePointer) -> TLSPeerCertificate {
        let subject = X509_get_subject_name(certificate)
        return TLSPeerCertificate(
            subject: oneLine(subject), issuer: oneLine(X509_get_issuer_name(certificate)),
            commonName: commonName(subject), serial: serialHex(certificate),
            subjectAlternativeNames: subjectAlternativeNames(certificate))
    }

    static func oneLine(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        var buffer = [CChar](repeating: 0, count: 1024)
        _ = X509_NAME_oneline(name, &buffer, Int32(buffer.count))
        return string(buffer)
    }

    private static func commonName(_ name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        let length = X509_NAME_get_text_by_NID(name, NID_commonName, &buffer, Int32(buffer.count))
        return length >= 0 ? string(buffer) : nil
    }

    /// Uppercase hex of the serial's bytes, as `i2a_ASN1_INTEGER` (and `openssl x509 -serial`) prints it.
    private static func serialHex(_ certificate: OpaquePointer) -> String {
        guard let serial = X509_get0_serialNumber(certificate), let data = ASN1_STRING_get0_data(serial) else {
            return ""
        }
        let bytes = UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(serial)))
        return hexString(bytes).uppercased()
    }

    private static func subjectAlternativeNames(_ certificate: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<OPENSSL_sk_num(names) {
            guard let entry = OPENSSL_sk_value(names, index)?.assumingMemoryBound(to: GENERAL_NAME.self) else {
                continue
            }
            switch entry.pointee.type {
            case GEN_DNS:
                if let value = entry.pointee.d.dNSName { result.append(asn1Text(value)) }
            case GEN_IPADD:
                if let value = entry.pointee.d.iPAddress { result.append(ipText(value)) }
            default:
                continue
            }
        }
        return result
    }

    private static func asn1Text(_ value: UnsafeMutablePointer<ASN1_STRING>) -> String {
        guard let data = ASN1_STRING_get0_data(value) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(value))), as: UTF8.self)
    }

    private static func ipText(_ value: UnsafeMutablePointer<ASN1_STRING>) -> String {
        guard let data = ASN1_STRING_get0_data(value) else { return "" }
        let bytes = Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(value))))
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var text = [CChar](repeating: 0, count: 64)
        guard bytes.count == 16, inet_ntop(AF_INET6, bytes, &text, socklen_t(text.count)) != nil else {
            return hexString(bytes)
        }
        return string(text)
    }

    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
