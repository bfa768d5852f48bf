import CStapledShims
import EventLoop
import Glibc
import Logging

/// The upstream side: a connection for each request (an idle kept one first), failover to the
/// next server when a connect fails, a retry when a request that can be sent again meets a dead
/// connection, and the 502 or 504 a client gets when nothing works.
extension HTTPConnection {
    /// Finds a connection for the current request: a kept idle one, else a new connect.
    func startUpstream() {
        if let (fd, index) = pool.takeIdleConnection() {
            attempts += 1
            attach(fd: fd, server: index, reused: true)
            pool.requestStarted(index)
            upstreamState = .connected
            armForExchange()
            return
        }
        connectNext()
    }

    /// Tries servers in the pool's order, skipping those that failed for this request; the first
    /// whose connect starts (or completes) wins. Answers 502 when none is left.
    func connectNext() {
        let servers = frontend.upstream.servers
        while let index = pool.nextServer(excluding: tried) {
            attempts += 1
            switch TCPSocket.startConnect(to: servers[index].address) {
            case .started(let fd):
                attach(fd: fd, server: index, reused: false)
                pool.requestStarted(index)
                upstreamState = .connecting
                arm(.connect, after: frontend.connectTimeout)
                return
            case .noSocket(let reason):
                // Out of descriptors here, not the server's fault: not counted against it.
                noteConnectFailure(server: index, reason: reason)
            case .failed(let reason):
                pool.connectFailed(index)
                noteConnectFailure(server: index, reason: reason)
            }
            tried.append(index)
        }
        answerUpstreamFailure(.badGateway, reason: lastFailure.isEmpty ? "no server available" : lastFailure)
    }

    func finishConnect() {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(upstreamFD, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            connectFailed(reason: String(cString: strerror(error)))
            if isOpen { pump() }
            return
        }
        pool.connectSucceeded(server)
        upstreamState = .connected
        armForExchange()
        pump()
    }

    /// The connect to `server` failed or timed out: counts it against the server, then tries the next.
    func connectFailed(reason: String) {
        let failed = server
        detachUpstream()
        closeDetached()
        pool.connectFailed(failed)
        noteConnectFailure(server: failed, reason: reason)
        tried.append(failed)
        connectNext()
    }

    private func noteConnectFailure(server index: Int, reason: String) {
        worker.counters.upstreamConnectErrors += 1
        lastFailure = "\(frontend.upstream.servers[index]): \(reason)"
        worker.logger.warning(
            "upstream connect failed",
            metadata: [
                "frontend": "\(frontend.name)", "upstream": "\(frontend.upstream.name)",
                "server": "\(frontend.upstream.servers[index])", "reason": "\(reason)",
            ])
    }

    /// The timer for a connected upstream: the response wait once the request is sent.
    private func armForExchange() {
        if requestState == .sent {
            arm(.response, after: settings.upstreamTimeout)
        } else {
            arm(.activity, after: frontend.idleTimeout)
        }
    }

    private func attach(fd: Int32, server index: Int, reused: Bool) {
        upstreamFD = fd
        server = index
        upstreamReused = reused
        // Nothing can arrive before the request is sent: wait for the event rather than a read
        // that would only return EAGAIN.
        upstreamReadReady = false
        upstreamWriteReady = true
        upstreamEOF = false
        upstreamEndReason = ""
        upstreamWriteFailed = false
        upstreamWriteShut = false
        if reused {
            // The idle cache was watching it for readability, as this connection will: libev's
            // registration stays, no epoll_ctl per request.
            watchers.upstream.adopt(fd: fd, on: worker.loop)
        } else {
            watchers.upstream.reset(fd: fd, on: worker.loop)
        }
    }

    /// Stops watching the upstream descriptor and ends its least-conn accounting; the descriptor
    /// stays open (the caller closes it or hands it to the pool).
    private func detachUpstream() {
        // Stopped only: the descriptor may go to the idle cache, which adopts its registration.
        watchers.upstream.update(events: 0, on: worker.loop)
        if server >= 0 { pool.requestFinished(server) }
        upstreamState = .none
    }

    private func closeDetached() {
        if upstreamFD >= 0 { Glibc.close(upstreamFD) }
        upstreamFD = -1
        server = -1
    }

    /// Ends this exchange's use of the upstream connection: back to the pool when `keep` (a
    /// complete response, both sides willing to keep the connection), else closed.
    func releaseUpstream(keep: Bool) {
        guard upstreamFD >= 0 else {
            if upstreamState != .none { detachUpstream() }
            return
        }
        let fd = upstreamFD
        let index = server
        detachUpstream()
        if keep && index >= 0 {
            upstreamFD = -1
            server = -1
            pool.keepIdle(fd: fd, server: index)
        } else {
            closeDetached()
        }
        upstreamIn.release(to: buffers)
    }

    // MARK: - Failures

    /// The upstream ended (or failed) before a byte of the response arrived.
    func upstreamEndedBeforeResponse() {
        let reason = upstreamEndReason.isEmpty ? "the server closed the connection" : upstreamEndReason
        let canRetry =
            !responseStarted && request.isReplayable && replayLength > 0
            && attempts < frontend.upstream.servers.count + frontend.upstream.keepaliveConnections + 1
        guard canRetry else {
            answerUpstreamFailure(.badGateway, reason: "\(reason) before responding")
            return
        }
        // Nothing of a response came back and the request is safe to send again: most likely a
        // kept connection the server closed while it was idle.
        worker.logger.debug(
            "retrying request on another upstream connection",
            metadata: [
                "frontend": "\(frontend.name)", "upstream": "\(frontend.upstream.name)",
                "server": "\(serverDescription)", "reused": "\(upstreamReused)", "reason": "\(reason)",
            ])
        let failed = server
        let wasReused = upstreamReused
        lastFailure = "\(serverDescription): \(reason) before responding"
        releaseUpstream(keep: false)
        if !wasReused && failed >= 0 { tried.append(failed) }
        toUpstream.setCount(replayLength)
        requestState = .body
        responseScanner.reset()
        if wasReused { startUpstream() } else { connectNext() }
    }

    /// Answers the client with 502 or 504 (if no final response began; else closes), logs the
    /// server and the reason, and drops the upstream connection.
    func answerUpstreamFailure(_ status: HTTPErrorResponse, reason: String) {
        let message: Logger.Message =
            status == .gatewayTimeout ? "upstream timeout; answered 504" : "upstream unavailable; answered 502"
        logUpstreamProblem(message, reason)
        releaseUpstream(keep: false)
        if finalResponseStarted {
            close(notify: false)
        } else {
            answer(status)
        }
    }

    /// The response (head) broke HTTP's rules: 502, never forwarded.
    func invalidResponse(_ reason: String) {
        logUpstreamProblem("invalid upstream response; answered 502", reason)
        releaseUpstream(keep: false)
        if finalResponseStarted {
            close(notify: false)
        } else {
            answer(.badGateway)
        }
    }

    func logUpstreamProblem(_ message: Logger.Message, _ reason: String) {
        worker.logger.error(
            message,
            metadata: [
                "frontend": "\(frontend.name)", "upstream": "\(frontend.upstream.name)",
                "server": "\(serverDescription)",
                "reason": "\(reason)", "client": "\(peer)",
            ])
    }

    /// The server of the current (or last tried) connection, for logs.
    var serverDescription: String {
        if server >= 0 { return "\(frontend.upstream.servers[server])" }
        if let last = tried.last { return "\(frontend.upstream.servers[last])" }
        return "none"
    }
}
