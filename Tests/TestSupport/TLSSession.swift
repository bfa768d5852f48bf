import COpenSSL

/// A TLS session a client can offer again to resume (`TLSClientOptions.resumeSession`).
/// Owns one reference to an `SSL_SESSION`, released in deinit.
public final class TLSSession: @unchecked Sendable {
    // @unchecked: the SSL_SESSION is only read after creation (SSL_set_session takes its own
    // reference), and OpenSSL reference-counts sessions atomically.
    let pointer: OpaquePointer

    init(adopting pointer: OpaquePointer) { self.pointer = pointer }

    deinit { SSL_SESSION_free(pointer) }
}
