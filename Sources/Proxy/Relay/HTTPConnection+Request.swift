import COpenSSL
import Glibc
import Logging

/// The request half of an exchange: find and check the head, rewrite it for the upstream, then
/// follow the body's framing as it passes (so the next pipelined request starts where it ends).
extension HTTPConnection {
    /// Returns true when anything changed.
    func processRequest() -> Bool {
        switch requestState {
        case .head:
            // One exchange at a time: a pipelined request waits until the response before it is done.
            guard phase == .active, responseState == .idle else { return false }
            return readRequestHead()
        case .body:
            return classifyRequestBody()
        case .sent:
            return false
        }
    }

    private func readRequestHead() -> Bool {
        var progressed = false
        if !headStarted {
            // RFC 9112 §2.2: empty lines before a request line are ignored (some clients send one
            // after a body).
            while clientIn.count >= 2, clientIn.bytes()[0] == HTTPSyntax.cr, clientIn.bytes()[1] == HTTPSyntax.lf {
                clientIn.consume(2)
                progressed = true
            }
            guard !clientIn.isEmpty else {
                clientIn.releaseIfEmpty(to: buffers)
                if clientEOF {
                    beginClosing()
                    return true
                }
                return progressed
            }
            if clientIn.count == 1 && clientIn.bytes()[0] == HTTPSyntax.cr && !clientEOF { return progressed }
            headStarted = true
            // Later requests get request_timeout from their first byte (the first one has it
            // from the handshake); until then a kept-alive connection waits under idle_timeout.
            if requestsServed > 0 { arm(.requestHead, after: settings.requestTimeout) }
        }
        let bytes = clientIn.bytes()
        let length: Int?
        do {
            length = try requestScanner.scan(bytes, limit: settings.maxRequestHeader)
            // A head still incomplete: check its request line as soon as it is here (a complete
            // head's is checked with the rest of it).
            if length == nil, !requestLineChecked, let lineEnd = requestScanner.firstLineEnd {
                requestLineChecked = true
                _ = try HTTPHeadParser.parseRequestLine(bytes, lineEnd: lineEnd)
            }
        } catch {
            refuse(error)
            return true
        }
        guard let length, let requestLineEnd = requestScanner.firstLineEnd else {
            if clientEOF {
                worker.logger.debug(
                    "client closed inside a request head",
                    metadata: ["frontend": "\(frontend.name)", "client": "\(peer)"])
                close(notify: false)
                return false
            }
            return progressed
        }
        let head: HTTPRequestHead
        do {
            head = try worker.headParser.parseRequest(
                bytes, length: length, requestLineEnd: requestLineEnd, maxFields: settings.maxHeaders)
        } catch {
            refuse(error)
            return true
        }
        // Built for each request, on the stack: an idle connection keeps none of it. The TLS
        // server name is copied only for a request without Host (HTTP/1.0).
        let serverName =
            head.hostField != nil
            ? nil
            : SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name).map {
                Array(UnsafeRawBufferPointer(start: $0, count: strlen($0)))
            }
        let client = ClientAddress(peer)
        let rewriter = HTTPRequestRewriter(
            client: client, clientIsTrusted: settings.trusts(client),
            addsForwarded: settings.addsForwarded, serverName: serverName ?? [])
        let memory = toUpstream.take(from: buffers)
        var writer = HTTPHeadWriter(memory, capacity: buffers.capacity)
        rewriter.write(head, fields: worker.headParser.fields, bytes, into: &writer)
        guard !writer.overflowed else {
            refuse(.headTooLarge)
            return true
        }
        toUpstream.setCount(writer.count)
        begin(head)
        clientIn.consume(length)
        // Check the body bytes already here before anything is sent: a bad chunk in the first
        // packet is refused without the request reaching a server.
        _ = classifyRequestBody()
        guard phase == .active else { return true }
        startUpstream()
        return true
    }

    /// Sets up the exchange for a parsed request.
    private func begin(_ head: HTTPRequestHead) {
        let hasBody: Bool
        switch head.framing {
        case .none, .length(0): hasBody = false
        case .length, .chunked, .untilClose: hasBody = true
        }
        request = ExchangeRequest(
            method: head.method, version: head.version, keepsAlive: head.clientKeepsAlive, isUpgrade: head.isUpgrade,
            isReplayable: head.method.isIdempotent && !hasBody)
        replayLength = request.isReplayable ? toUpstream.count : 0
        requestBody = HTTPBodyCursor(head.framing)
        requestState = .body
        responseState = .head
        responseStarted = false
        finalResponseStarted = false
        upstreamWriteFailed = false
        headStarted = false
        requestLineChecked = false
        requestScanner.reset()
        responseScanner.reset()
        tried.removeAll(keepingCapacity: true)
        attempts = 0
        lastFailure = ""
    }

    /// Follows the request body over the bytes that arrived. Returns true when it advanced.
    func classifyRequestBody() -> Bool {
        guard !requestBody.isComplete else { return false }
        let offset = requestBody.pending
        guard clientIn.count > offset else {
            if clientEOF && phase == .active {
                worker.logger.debug(
                    "client closed inside a request body",
                    metadata: ["frontend": "\(frontend.name)", "client": "\(peer)"])
                close(notify: false)
            }
            return false
        }
        do {
            _ = try requestBody.classify(clientIn.bytes(from: offset))
        } catch {
            // Bytes before the bad framing may have gone to the upstream; what follows never does.
            if finalResponseStarted {
                close(notify: false)
            } else {
                refuse(error)
            }
            return true
        }
        return true
    }

    /// Everything of the request reached the upstream: the wait for its response head begins.
    func requestSent() {
        requestState = .sent
        if responseState == .head { arm(.response, after: settings.upstreamTimeout) }
    }

    // MARK: - Refusals

    func refuse(_ violation: HTTPViolation) {
        refuse(violation.status, reason: violation.description)
    }

    /// Answers the client with `status` (`Connection: close`) and closes after it; the request, or
    /// what is left of it, is not forwarded.
    func refuse(_ status: HTTPErrorResponse, reason: String) {
        worker.logger.info(
            "request refused",
            metadata: [
                "frontend": "\(frontend.name)", "client": "\(peer)", "status": "\(status.status)",
                "reason": "\(reason)",
            ])
        releaseUpstream(keep: false)
        answer(status)
    }

    /// Queues one of stapled's own responses and closes the connection after it.
    func answer(_ status: HTTPErrorResponse) {
        let bytes = status.bytes(headOnly: responseState != .idle && request.method == .head)
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { toClient.append(base, count: raw.count, from: buffers) }
        }
        finalResponseStarted = true
        requestState = .sent
        responseState = .idle
        responseBody = HTTPBodyCursor(.length(0))
        phase = .flushing
        arm(.activity, after: frontend.idleTimeout)
    }
}
