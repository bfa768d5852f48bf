import COpenSSL
import CStapledShims

/// The OpenSSL client context for `https://` responders: TLS 1.2 or later, peer verification on,
/// the configured trust roots loaded once.
///
/// `@unchecked Sendable`: the `SSL_CTX` is configured completely in `init` and only read
/// afterwards (`SSL_new`), which OpenSSL allows from any number of threads at once.
final class TransportTLSContext: @unchecked Sendable {
    /// Owned: freed in `deinit`.
    let context: OpaquePointer

    init(trustRoots: OCSPTrustRoots) throws(OCSPTransportError.Reason) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .tlsFailed("SSL_CTX_new: \(Self.drainErrors())")
        }
        self.context = context
        _ = CStapledShims_SSL_CTX_set_min_proto_version(context, CStapledShims_TLS1_2_VERSION())
        // Responders often close without close_notify; the body framing (or the OCSP DER parser)
        // detects a truncated response instead.
        _ = SSL_CTX_set_options(context, CStapledShims_SSL_OP_IGNORE_UNEXPECTED_EOF())
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded: Int32
        switch trustRoots {
        case .system: loaded = SSL_CTX_set_default_verify_paths(context)
        case .pemFile(let path): loaded = SSL_CTX_load_verify_locations(context, path, nil)
        }
        guard loaded == 1 else {
            throw .tlsFailed("cannot load the trust roots (\(trustRoots)): \(Self.drainErrors())")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// Empties this thread's OpenSSL error queue into one line of text.
    static func drainErrors() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            messages.append(String(decoding: bytes, as: UTF8.self))
        }
        return messages.isEmpty ? "no OpenSSL error recorded" : messages.joined(separator: "; ")
    }
}
