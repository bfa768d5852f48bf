import CStapledShims
import EventLoop
import Glibc
import Logging

/// The loop every event runs: move bytes and advance both halves of the exchange until nothing
/// more can happen without waiting, then watch exactly the events still needed.
extension HTTPConnection {
    func pump() {
        var progressed = true
        while progressed && isOpen {
            progressed = false
            switch phase {
            case .active, .tunnel:
                progressed = step()
            case .flushing:
                if hasClientOutput {
                    if clientWriteReady && !sslWriteWantsRead { progressed = writeClient() }
                } else if clientWriteReady {
                    // close_notify, then FIN and linger; when the socket cannot take the alert now,
                    // wait until it is writable (a FIN without close_notify reads as truncation).
                    if ServerTLS.sendCloseNotify(ssl) { startLingering() } else { clientWriteReady = false }
                    progressed = true
                }
            case .lingering:
                if clientEOF {
                    close(notify: false)
                    return
                }
                if clientReadReady && !sslReadWantsWrite { progressed = readClient() }
            case .handshake, .closed:
                return
            }
        }
        guard isOpen else { return }
        updateInterest()
    }

    /// One round of an active (or tunnelling) connection; true when anything changed.
    private func step() -> Bool {
        var progressed = false
        if wantsClientRead && clientReadReady && !sslReadWantsWrite {
            progressed = readClient() || progressed
            guard isOpen else { return false }
        }
        progressed = processRequest() || progressed
        guard phase == .active || phase == .tunnel else { return true }
        if upstreamState == .connected && upstreamWriteReady && hasUpstreamOutput {
            progressed = writeUpstream() || progressed
            guard phase == .active || phase == .tunnel else { return true }
        }
        if upstreamState == .connected && upstreamReadReady && wantsUpstreamRead {
            progressed = readUpstream() || progressed
        }
        progressed = processResponse() || progressed
        guard phase == .active || phase == .tunnel else { return true }
        if hasClientOutput && clientWriteReady && !sslWriteWantsRead {
            progressed = writeClient() || progressed
            guard isOpen else { return false }
        }
        if phase == .tunnel {
            progressed = tunnelEnds() || progressed
        } else {
            progressed = exchangeEnds() || progressed
        }
        return progressed
    }

    /// The client's bytes are wanted: while taking requests, relaying a tunnel or lingering, and
    /// the input buffer has room.
    var wantsClientRead: Bool {
        switch phase {
        case .active, .tunnel: !clientEOF && clientIn.room(in: buffers) > 0
        case .lingering: !clientEOF
        case .handshake, .flushing, .closed: false
        }
    }

    /// The upstream's bytes are wanted while a response (or a tunnel) is under way and the input
    /// buffer has room.
    var wantsUpstreamRead: Bool {
        !upstreamEOF && responseState != .idle && upstreamIn.room(in: buffers) > 0
    }

    /// Bytes wait for the upstream: the request head, or body bytes at the front of `clientIn`.
    var hasUpstreamOutput: Bool {
        !upstreamWriteFailed && (!toUpstream.isEmpty || (requestState == .body && requestBody.pending > 0))
    }

    // MARK: - Upstream I/O

    /// Sends the request head and the body bytes behind it in one `sendmsg`. Returns true when
    /// bytes went out (or the write failed: then nothing more is sent, and the response decides).
    func writeUpstream() -> Bool {
        let head = toUpstream.count
        let body = requestState == .body ? requestBody.pending : 0
        guard head + body > 0 else { return false }
        var vectors = (iovec(), iovec())
        var used = 0
        if head > 0, let bytes = toUpstream.pointer {
            vectors.0 = iovec(iov_base: bytes, iov_len: head)
            used = 1
        }
        if body > 0, let bytes = clientIn.pointer {
            if used == 0 {
                vectors.0 = iovec(iov_base: bytes, iov_len: body)
            } else {
                vectors.1 = iovec(iov_base: bytes, iov_len: body)
            }
            used += 1
        }
        let n = withUnsafeMutablePointer(to: &vectors) { pointer in
            pointer.withMemoryRebound(to: iovec.self, capacity: 2) { iov in
                var message = msghdr()
                message.msg_iov = iov
                message.msg_iovlen = used
                return sendmsg(upstreamFD, &message, Int32(MSG_NOSIGNAL))
            }
        }
        if n > 0 {
            let fromHead = min(n, head)
            if fromHead > 0 {
                toUpstream.consume(fromHead)
                if toUpstream.isEmpty && replayLength == 0 { toUpstream.release(to: buffers) }
            }
            let fromBody = n - fromHead
            if fromBody > 0 {
                clientIn.consume(fromBody)
                requestBody.wrote(fromBody)
            }
            if n < head + body { upstreamWriteReady = false }
            if requestState == .body && toUpstream.isEmpty && requestBody.isFinished { requestSent() }
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EINTR) {
            upstreamWriteReady = false
            return false
        }
        // The server may have answered and closed (a response to a request it did not read in
        // full): stop sending, and let the read side find out.
        upstreamWriteFailed = true
        if upstreamEndReason.isEmpty { upstreamEndReason = String(cString: strerror(errno)) }
        return true
    }

    /// Reads what the upstream sent into `upstreamIn`. Returns true when something changed (bytes
    /// or the end of the stream; a socket error counts as the end, its reason kept for logs).
    func readUpstream() -> Bool {
        guard let (space, room) = upstreamIn.space(from: buffers) else { return false }
        let n = recv(upstreamFD, space, room, 0)
        if n > 0 {
            upstreamIn.appended(n)
            responseStarted = true
            if n < room { upstreamReadReady = false }
            return true
        }
        upstreamIn.releaseIfEmpty(to: buffers)
        if n < 0 && (errno == EAGAIN || errno == EINTR) {
            upstreamReadReady = false
            return false
        }
        upstreamEOF = true
        upstreamEndReason = n == 0 ? "the server closed the connection" : String(cString: strerror(errno))
        return true
    }
}
