import COpenSSL
import CStapledShims
import Logging
import TLS

/// The server-side TLS steps both connection kinds (`mode tcp`, `mode http`) share.
enum ServerTLS {
    enum HandshakeStep {
        case done
        case wantRead
        case wantWrite
        case failed
    }

    /// One `SSL_do_handshake`. On completion counts the stapling outcome and frees OpenSSL's copy
    /// of the staple; on failure counts it and logs why at debug level (a port scanner or a bad
    /// client must not flood the log).
    static func handshake(
        _ ssl: OpaquePointer, counters: WorkerCounters, logger: Logger, frontend: String,
        peer: @autoclosure () -> SocketAddress
    ) -> HandshakeStep {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            // Relay reads and writes do not clear OpenSSL's error queue before each call (it costs
            // on every request); it is left empty here and drained on every failure path instead.
            ERR_clear_error()
            counters.handshakes += 1
            countStapling(ssl, counters)
            return .done
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        default:
            counters.handshakeFailures += 1
            let reason = OpenSSLErrorQueue.drain().joined(separator: "; ")
            logger.debug(
                "handshake failed",
                metadata: [
                    "frontend": "\(frontend)", "client": "\(peer())",
                    "reason": "\(reason.isEmpty ? "connection closed" : reason)",
                ])
            return .failed
        }
    }

    /// Records whether the client asked for a staple and got one, then frees OpenSSL's copy of
    /// it: it is not needed after the handshake (saves its size per connection).
    static func countStapling(_ ssl: OpaquePointer, _ counters: WorkerCounters) {
        guard CStapledShims_SSL_get_tlsext_status_type(ssl) == CStapledShims_TLSEXT_STATUSTYPE_ocsp() else {
            counters.handshakesNotRequested += 1
            return
        }
        var response: UnsafePointer<UInt8>?
        if CStapledShims_SSL_get_tlsext_status_ocsp_resp(ssl, &response) > 0 {
            counters.handshakesStapled += 1
            _ = CStapledShims_SSL_set_tlsext_status_ocsp_resp(ssl, nil, 0)
        } else {
            counters.handshakesRequestedNotStapled += 1
        }
    }

    /// Sends close_notify; false when the socket buffer is full and it must be retried once
    /// writable (a FIN without close_notify reads as truncation to strict clients).
    static func sendCloseNotify(_ ssl: OpaquePointer) -> Bool {
        ERR_clear_error()
        let result = SSL_shutdown(ssl)
        guard result < 0 else { return true }
        let wantsWrite = SSL_get_error(ssl, result) == SSL_ERROR_WANT_WRITE
        ERR_clear_error()
        return !wantsWrite  // Any other failure: the peer is gone; go on closing.
    }
}
