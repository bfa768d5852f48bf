import COpenSSL

/// OpenSSL macros the test client needs that have no `CStapledShims_` wrapper yet: each expands
/// to its `SSL_ctrl` call with OpenSSL's named constants, exactly as the macro in `ssl.h` does.
/// Replace with shims if they are added to CStapledShims.
enum OpenSSLMacro {
    /// `SSL_set_tlsext_host_name(ssl, name)`.
    static func SSL_set_tlsext_host_name(_ ssl: OpaquePointer, _ name: String) -> Int {
        name.withCString { pointer in
            SSL_ctrl(
                ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name),
                UnsafeMutableRawPointer(mutating: pointer))
        }
    }

    /// `SSL_set_tlsext_status_type(ssl, type)`.
    static func SSL_set_tlsext_status_type(_ ssl: OpaquePointer, _ type: Int32) -> Int {
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE, Int(type), nil)
    }

    /// `SSL_CTX_set1_sigalgs_list(ctx, list)`.
    static func SSL_CTX_set1_sigalgs_list(_ context: OpaquePointer, _ list: String) -> Int {
        list.withCString { pointer in
            SSL_CTX_ctrl(context, SSL_CTRL_SET_SIGALGS_LIST, 0, UnsafeMutableRawPointer(mutating: pointer))
        }
    }
}
