import COpenSSL
import Glibc

extension ProxyProtocolHeader.TLSFacts {
    /// What the handshake of `ssl` settled. The bytes are OpenSSL's (static strings, or memory of
    /// the `SSL` and its session): use them before `ssl` is freed.
    public init(ssl: OpaquePointer) {
        self.init()
        version = Self.bytes(of: SSL_get_version(ssl))
        cipher = Self.bytes(of: SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) })
        serverName = Self.bytes(of: SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name))
        var alpnData: UnsafePointer<UInt8>?
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &alpnData, &alpnLength)
        if let alpnData, alpnLength > 0 { alpn = UnsafeRawBufferPointer(start: alpnData, count: Int(alpnLength)) }
    }

    private static func bytes(of text: UnsafePointer<CChar>?) -> UnsafeRawBufferPointer? {
        guard let text else { return nil }
        let length = strlen(text)
        return length == 0 ? nil : UnsafeRawBufferPointer(start: text, count: length)
    }
}
