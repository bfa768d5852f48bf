import COpenSSL
import CStapledShims
import Glibc
import Logging

/// The response half of an exchange: check the head, decide what the client connection does
/// next, rewrite the head for the client, follow the body's framing; then end the exchange.
extension HTTPConnection {
    /// Returns true when anything changed.
    func processResponse() -> Bool {
        switch responseState {
        case .idle: false
        case .head: readResponseHead()
        case .body: classifyResponseBody()
        }
    }

    private func readResponseHead() -> Bool {
        // An interim response still being written goes out before the next head is rewritten.
        guard toClient.isEmpty, upstreamState == .connected else { return false }
        guard !upstreamIn.isEmpty else {
            if upstreamEOF { upstreamEndedBeforeResponse() }
            return upstreamEOF
        }
        let bytes = upstreamIn.bytes()
        let length: Int?
        do {
            length = try responseScanner.scan(bytes, limit: buffers.capacity)
        } catch {
            invalidResponse(error == .headTooLarge ? "a response head larger than the buffer" : error.description)
            return true
        }
        guard let length, let statusLineEnd = responseScanner.firstLineEnd else {
            if upstreamEOF { invalidResponse("the server closed the connection inside the response head") }
            return upstreamEOF
        }
        let head: HTTPResponseHead
        do {
            head = try worker.headParser.parseResponse(
                bytes, length: length, statusLineEnd: statusLineEnd, maxFields: 1000)
        } catch {
            invalidResponse(error.description)
            return true
        }
        // A response arrived: the request will not be sent again.
        if replayLength > 0 {
            replayLength = 0
            if toUpstream.isEmpty { toUpstream.release(to: buffers) }
        }
        if head.isInterim {
            // 1xx (100 Continue, 103 Early Hints) go to HTTP/1.1 clients only (RFC 9110 §15.2).
            if request.version == .http11 {
                var plan = HTTPResponseRewriter.Plan()
                plan.omitsFraming = true
                guard writeClientHead(head, bytes, plan: plan) else { return true }
            }
            upstreamIn.consume(length)
            responseScanner.reset()
            return true
        }
        if head.status == 101 {
            guard request.isUpgrade else {
                invalidResponse(HTTPViolation.unexpectedSwitchingProtocols.description)
                return true
            }
            var plan = HTTPResponseRewriter.Plan()
            plan.switchesProtocols = true
            plan.omitsFraming = true
            guard writeClientHead(head, bytes, plan: plan) else { return true }
            upstreamIn.consume(length)
            enterTunnel()
            return true
        }
        if request.method == .connect && head.status < 300 {
            var plan = HTTPResponseRewriter.Plan()
            plan.omitsFraming = true
            guard writeClientHead(head, bytes, plan: plan) else { return true }
            upstreamIn.consume(length)
            enterTunnel()
            return true
        }
        let framing: HTTPBodyFraming
        if request.method == .head || head.status == 204 || head.status == 304 {
            framing = .none
        } else if head.isChunked {
            framing = .chunked
        } else if let contentLength = head.contentLength {
            framing = .length(contentLength)
        } else {
            framing = .untilClose
        }
        var plan = HTTPResponseRewriter.Plan()
        plan.dechunks = request.version == .http10 && head.isChunked
        plan.omitsFraming = head.status == 204
        // The client connection ends after this response when the client or the framing asks it,
        // when the request was not read in full (an early response), or when stopping. (A client
        // that half-closed still gets answers to the requests it sent before.)
        plan.closes =
            !request.keepsAlive || framing == .untilClose || (plan.dechunks && framing != .none)
            || requestState != .sent || draining
        plan.announcesKeepAlive = request.version == .http10 && !plan.closes
        upstreamKeepsAlive = head.serverKeepsAlive && framing != .untilClose
        guard writeClientHead(head, bytes, plan: plan) else { return true }
        finalResponseStarted = true
        responsePlan = plan
        upstreamIn.consume(length)
        responseBody = HTTPBodyCursor(framing, dechunks: plan.dechunks)
        responseState = .body
        arm(.activity, after: frontend.idleTimeout)
        _ = classifyResponseBody()
        copyBodyBehindHead()
        return true
    }

    /// Rewrites `head` into `toClient`; false (after answering 502) when it does not fit.
    private func writeClientHead(
        _ head: HTTPResponseHead, _ bytes: UnsafeBufferPointer<UInt8>, plan: HTTPResponseRewriter.Plan
    ) -> Bool {
        let memory = toClient.take(from: buffers)
        var writer = HTTPHeadWriter(memory, capacity: buffers.capacity)
        HTTPResponseRewriter.write(head, fields: worker.headParser.fields, bytes, plan: plan, into: &writer)
        guard !writer.overflowed else {
            toClient.release(to: buffers)
            invalidResponse("the rewritten response head does not fit the buffer")
            return false
        }
        toClient.setCount(writer.count)
        return true
    }

    /// Copies the body bytes already here behind the head, so a small response leaves in one TLS
    /// record (one write) instead of two.
    private func copyBodyBehindHead() {
        if case .dechunked = responseBody.kind { return }
        let count = min(responseBody.pending, toClient.room(in: buffers))
        guard count > 0, let source = upstreamIn.pointer else { return }
        toClient.append(source, count: count, from: buffers)
        upstreamIn.consume(count)
        responseBody.wrote(count)
    }

    /// Follows the response body over the bytes that arrived. Returns true when it advanced.
    func classifyResponseBody() -> Bool {
        guard !responseBody.isComplete else { return false }
        let offset = responseBody.pending
        guard upstreamIn.count > offset else { return false }
        let before = responseBody.pending
        do {
            let dropped = try responseBody.classify(upstreamIn.bytes(from: offset))
            if dropped > 0 {
                upstreamIn.consume(dropped)
                return true
            }
        } catch {
            // The head went out: the client can only be told by the connection ending early.
            logUpstreamProblem("invalid upstream response body; closing the client connection", error.description)
            close(notify: false)
            return false
        }
        return responseBody.pending != before
    }

    // MARK: - End of an exchange

    /// Ends the exchange once the response is fully written; returns true when it did.
    func exchangeEnds() -> Bool {
        guard responseState == .body, toClient.isEmpty, responseBody.pending == 0 else { return false }
        if !responseBody.isComplete {
            guard upstreamEOF, upstreamIn.isEmpty else { return false }
            if case .untilClose = responseBody.kind {
                // The end of the stream is the end of this body.
            } else {
                logUpstreamProblem(
                    "upstream closed inside the response body; closing the client connection", upstreamEndReason)
                close(notify: false)
                return false
            }
        }
        requestsServed += 1
        responseState = .idle
        let reusable =
            upstreamKeepsAlive && requestState == .sent && upstreamIn.isEmpty && !upstreamEOF && !upstreamWriteFailed
        releaseUpstream(keep: reusable)
        upstreamIn.releaseIfEmpty(to: buffers)
        if responsePlan.closes {
            beginClosing()
            return true
        }
        requestState = .head
        clientIn.releaseIfEmpty(to: buffers)
        arm(.keepAlive, after: frontend.idleTimeout)
        return true
    }

    // MARK: - Tunnel

    /// After a 101 (or a 2xx to CONNECT) both sides speak another protocol: relay raw bytes, with
    /// what is already buffered on either side going first.
    private func enterTunnel() {
        phase = .tunnel
        finalResponseStarted = true
        replayLength = 0
        requestState = .body
        requestBody = HTTPBodyCursor(.untilClose)
        responseState = .body
        responseBody = HTTPBodyCursor(.untilClose)
        arm(.activity, after: frontend.idleTimeout)
    }

    /// The upstream ended and everything it sent reached the client: the client's half of the
    /// tunnel is to be closed.
    var tunnelAwaitsCloseNotify: Bool {
        phase == .tunnel && (upstreamEOF || upstreamWriteFailed) && upstreamIn.isEmpty && toClient.isEmpty
            && !clientWriteShut
    }

    /// Half-closes each way once a side has ended and its bytes are delivered (as `mode tcp`);
    /// closes when both have. Returns true when anything changed.
    func tunnelEnds() -> Bool {
        var progressed = false
        if clientEOF && clientIn.isEmpty && !upstreamWriteShut {
            upstreamWriteShut = true
            shutdown(upstreamFD, Int32(SHUT_WR))
            progressed = true
        }
        if tunnelAwaitsCloseNotify && clientWriteReady {
            // close_notify (TLS's half-close), then FIN; when the socket cannot take the alert
            // now, wait until it is writable.
            if ServerTLS.sendCloseNotify(ssl) {
                clientWriteShut = true
                shutdown(clientFD, Int32(SHUT_WR))
            } else {
                clientWriteReady = false
            }
            progressed = true
        }
        if clientWriteShut && upstreamWriteShut {
            close(notify: false)
            return false
        }
        return progressed
    }
}
