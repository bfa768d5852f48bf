import COpenSSL
import CStapledShims
import Glibc

/// TLS over a connected `TransportSocket`, non-blocking, every wait bounded by the deadline. The
/// handshake sends SNI (for host names) and verifies the certificate chain and the host name or IP
/// address. It owns its `SSL` (freed in `deinit`) and keeps the socket alive.
final class TransportTLSStream: TransportStream {
    private let socket: TransportSocket
    /// Owned: freed in `deinit`.
    private let ssl: OpaquePointer

    /// Performs the handshake with `url`'s host, or throws `tlsFailed`/`timeout(.tlsHandshake)`.
    init(context: TransportTLSContext, socket: TransportSocket, url: OCSPResponderURL, deadline: TransportDeadline)
        throws(OCSPTransportError.Reason)
    {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else {
            throw .tlsFailed("SSL_new: \(TransportTLSContext.drainErrors())")
        }
        self.ssl = ssl
        self.socket = socket
        guard SSL_set_fd(ssl, socket.fd) == 1 else {
            throw .tlsFailed("SSL_set_fd: \(TransportTLSContext.drainErrors())")
        }
        if url.hostIsIPAddress {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host) == 1 else {
                throw .tlsFailed("cannot verify against IP address \(url.host)")
            }
        } else {
            guard CStapledShims_SSL_set_tlsext_host_name(ssl, url.host) == 1, SSL_set1_host(ssl, url.host) == 1 else {
                throw .tlsFailed("cannot set the server name \(url.host): \(TransportTLSContext.drainErrors())")
            }
        }
        SSL_set_connect_state(ssl)
        while true {
            ERR_clear_error()
            let status = SSL_connect(ssl)
            if status == 1 { return }
            try wait(after: status, deadline: deadline, phase: .tlsHandshake)
        }
    }

    deinit { SSL_free(ssl) }

    func write(_ bytes: [UInt8], deadline: TransportDeadline, phase: OCSPTransportError.Phase)
        throws(OCSPTransportError.Reason)
    {
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let written = bytes.withUnsafeBytes { raw in
                SSL_write(ssl, raw.baseAddress.map { $0 + offset }, Int32(clamping: raw.count - offset))
            }
            if written > 0 {
                offset += Int(written)
            } else {
                try wait(after: written, deadline: deadline, phase: phase)
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: TransportDeadline, phase: OCSPTransportError.Phase)
        throws(OCSPTransportError.Reason) -> Int
    {
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
            if count > 0 { return Int(count) }
            let error = SSL_get_error(ssl, count)
            if error == SSL_ERROR_ZERO_RETURN { return 0 }
            if error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && (count == 0 || errno == 0) { return 0 }
            try wait(after: count, deadline: deadline, phase: phase)
        }
    }

    /// After an `SSL_*` call returned `status`: waits for the socket if OpenSSL wants I/O, throws otherwise.
    private func wait(after status: Int32, deadline: TransportDeadline, phase: OCSPTransportError.Phase)
        throws(OCSPTransportError.Reason)
    {
        let savedErrno = errno
        switch SSL_get_error(ssl, status) {
        case SSL_ERROR_WANT_READ:
            guard deadline.wait(for: socket.fd, events: Int16(POLLIN)) else { throw .timeout(phase) }
        case SSL_ERROR_WANT_WRITE:
            guard deadline.wait(for: socket.fd, events: Int16(POLLOUT)) else { throw .timeout(phase) }
        case SSL_ERROR_ZERO_RETURN:
            throw .connectionClosed(phase)
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
            if status == 0 || savedErrno == 0 { throw .connectionClosed(phase) }
            throw .ioFailed(phase, String(cString: strerror(savedErrno)))
        default:
            throw .tlsFailed(failureText())
        }
    }

    /// The certificate verification result if it failed, else OpenSSL's error queue.
    private func failureText() -> String {
        let verification = SSL_get_verify_result(ssl)
        let queue = TransportTLSContext.drainErrors()
        if verification != X509_V_OK {
            return "certificate verification failed: \(String(cString: X509_verify_cert_error_string(verification)))"
        }
        return queue
    }
}
