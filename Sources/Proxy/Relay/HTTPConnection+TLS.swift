import COpenSSL
import CStapledShims
import EventLoop
import Glibc
import Logging
import TLS

/// The client side: the TLS handshake, then reads into `clientIn` and writes from `toClient` and
/// the response body, with OpenSSL's WANT_READ/WANT_WRITE turned into readiness flags.
extension HTTPConnection {
    func handshake() {
        switch ServerTLS.handshake(
            ssl, counters: worker.counters, logger: worker.logger, frontend: frontend.name, peer: peer)
        {
        case .done:
            phase = .active
            // The first request's head must be complete within request_timeout of the handshake.
            arm(.requestHead, after: settings.requestTimeout)
            pump()
        case .wantRead:
            watchers.client.update(events: IOWatcher.read, on: worker.loop)
        case .wantWrite:
            watchers.client.update(events: IOWatcher.write, on: worker.loop)
        case .failed:
            close(notify: false)
        }
    }

    /// Reads what the client sent into `clientIn` (or, lingering, drops it). Returns true when
    /// something changed (bytes or the end of the stream); closes on a TLS error.
    func readClient() -> Bool {
        guard let (space, room) = clientIn.space(from: buffers) else { return false }
        let capacity = Int32(clamping: room)
        let n = SSL_read(ssl, space, capacity)
        if n > 0 {
            worker.counters.bytesFromClients += UInt64(n)
            if phase == .lingering {
                clientIn.release(to: buffers)
            } else {
                clientIn.appended(Int(n))
            }
            // A short read means the socket is drained: wait for the next event instead of a read
            // that would only return EAGAIN (level-triggered epoll reports any remaining data).
            if n < capacity && SSL_has_pending(ssl) == 0 { clientReadReady = false }
            return true
        }
        clientIn.releaseIfEmpty(to: buffers)
        switch SSL_get_error(ssl, n) {
        case SSL_ERROR_WANT_READ:
            clientReadReady = false
            return false
        case SSL_ERROR_WANT_WRITE:
            clientReadReady = false
            sslReadWantsWrite = true
            clientWriteReady = false
            return false
        case SSL_ERROR_ZERO_RETURN:
            clientEOF = true
            return true
        default:
            // An abrupt close or a TLS error: the client will send nothing more.
            let reason = OpenSSLErrorQueue.drain()
            if !reason.isEmpty && phase != .lingering {
                worker.logger.debug(
                    "TLS read failed", metadata: ["client": "\(peer)", "reason": "\(reason.joined(separator: "; "))"])
                close(notify: false)
                return false
            }
            clientEOF = true
            return true
        }
    }

    /// Bytes wait for the client: a head (or error response) in `toClient`, or body bytes.
    var hasClientOutput: Bool { !toClient.isEmpty || responseBody.pending > 0 }

    /// Writes `toClient`, then the body bytes at the front of `upstreamIn`. Returns true when bytes
    /// went out; closes on a TLS error.
    func writeClient() -> Bool {
        let fromHead = !toClient.isEmpty
        guard let bytes = fromHead ? toClient.pointer : upstreamIn.pointer else { return false }
        let count = fromHead ? toClient.count : responseBody.pending
        guard count > 0 else { return false }
        let n = SSL_write(ssl, bytes, Int32(clamping: count))
        if n > 0 {
            worker.counters.bytesToClients += UInt64(n)
            if fromHead {
                toClient.consume(Int(n))
                toClient.releaseIfEmpty(to: buffers)
            } else {
                upstreamIn.consume(Int(n))
                responseBody.wrote(Int(n))
            }
            if Int(n) < count { clientWriteReady = false }
            return true
        }
        switch SSL_get_error(ssl, n) {
        case SSL_ERROR_WANT_WRITE:
            clientWriteReady = false
            return false
        case SSL_ERROR_WANT_READ:
            sslWriteWantsRead = true
            clientReadReady = false
            return false
        default:
            worker.logger.debug(
                "TLS write failed",
                metadata: ["client": "\(peer)", "reason": "\(OpenSSLErrorQueue.drain().joined(separator: "; "))"])
            close(notify: false)
            return false
        }
    }

    /// All bytes for the client and the close_notify are written: sends a FIN, then reads (and
    /// drops) what the client still sends until it closes or `lingerTime` passes.
    func startLingering() {
        phase = .lingering
        clientWriteShut = true
        shutdown(clientFD, Int32(SHUT_WR))
        releaseUpstream(keep: false)
        clientIn.release(to: buffers)
        upstreamIn.release(to: buffers)
        toUpstream.release(to: buffers)
        arm(.linger, after: Self.lingerTime)
    }
}
