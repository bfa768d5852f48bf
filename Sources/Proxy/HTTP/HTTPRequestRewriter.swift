/// Writes the head a backend receives for a parsed request: the request line in HTTP/1.1 (a
/// proxy sends its own version, RFC 9110 §2.5), the client's fields minus hop-by-hop ones, the
/// framing field normalised (one `Content-Length` or `Transfer-Encoding: chunked`), and the
/// forwarding fields: `X-Forwarded-For`, `X-Forwarded-Proto: https`, `X-Forwarded-Host` and
/// (when enabled) RFC 7239 `Forwarded`.
///
/// `X-Forwarded-For` and `Forwarded` are extended only when the peer is a trusted proxy;
/// otherwise the client's own values are dropped so they cannot be forged. `X-Forwarded-Proto`
/// and `X-Forwarded-Host` always describe the connection stapled terminated.
struct HTTPRequestRewriter {
    let client: ClientAddress
    let clientIsTrusted: Bool
    let addsForwarded: Bool
    /// The `Host` sent for a request that has none (HTTP/1.0): the name the client asked for in
    /// TLS (SNI), when it is a valid host; else empty.
    let fallbackHost: [UInt8]

    init(client: ClientAddress, clientIsTrusted: Bool, addsForwarded: Bool, serverName: [UInt8] = []) {
        self.client = client
        self.clientIsTrusted = clientIsTrusted
        self.addsForwarded = addsForwarded
        fallbackHost = serverName.allSatisfy(HTTPSyntax.isHostByte) ? serverName : []
    }

    func write(
        _ head: HTTPRequestHead, fields: [HTTPField], _ bytes: UnsafeBufferPointer<UInt8>,
        into writer: inout HTTPHeadWriter
    ) {
        writer.append(bytes, 0..<head.targetEnd)
        writer.append(" HTTP/1.1\r\n")
        let upgrading = head.isUpgrade
        for field in fields {
            switch field.name {
            case .contentLength, .transferEncoding, .xForwardedFor, .xForwardedProto, .xForwardedHost:
                continue
            case .forwarded where addsForwarded || !clientIsTrusted:
                continue  // Dropped, or combined into the one added below.
            case .upgrade where upgrading:
                break
            case .expect where head.version == .http10:
                continue  // Ignored in HTTP/1.0 (RFC 9110 §10.1.1); the backend gets HTTP/1.1.
            default:
                if field.isHopByHop { continue }
            }
            writer.append(bytes, field.lineStart..<field.lineEnd)
        }
        if head.hostField == nil {  // HTTP/1.0 without Host: the backend gets HTTP/1.1.
            writer.append(fallbackHost.isEmpty ? "Host:" : "Host: ")
            writer.append(fallbackHost)
            writer.append("\r\n")
        }
        switch head.framing {
        case .length(let length):
            writer.append("Content-Length: ")
            writer.append(decimal: length)
            writer.append("\r\n")
        case .chunked:
            writer.append("Transfer-Encoding: chunked\r\n")
        case .none, .untilClose:
            break
        }
        if upgrading { writer.append("Connection: upgrade\r\n") }

        writer.append("X-Forwarded-For: ")
        if clientIsTrusted && appendValues(of: .xForwardedFor, fields, bytes, into: &writer) {
            writer.append(", ")
        }
        client.withText { writer.append($0, 0..<$0.count) }
        writer.append("\r\nX-Forwarded-Proto: https\r\n")
        let host = head.hostField.map { fields[$0].valueStart..<fields[$0].valueEnd }
        if let host, !host.isEmpty {
            writer.append("X-Forwarded-Host: ")
            writer.append(bytes, host)
            writer.append("\r\n")
        }
        if addsForwarded {
            writer.append("Forwarded: ")
            if clientIsTrusted && appendValues(of: .forwarded, fields, bytes, into: &writer) {
                writer.append(", ")
            }
            writeForwardedElement(host: host, bytes, into: &writer)
            writer.append("\r\n")
        }
        writer.append("\r\n")
    }

    /// `for=NODE;host="HOST";proto=https`; an IPv6 node is quoted and bracketed (RFC 7239 §6).
    private func writeForwardedElement(
        host: Range<Int>?, _ bytes: UnsafeBufferPointer<UInt8>, into writer: inout HTTPHeadWriter
    ) {
        if client.isIPv6 {
            writer.append("for=\"[")
            client.withText { writer.append($0, 0..<$0.count) }
            writer.append("]\"")
        } else {
            writer.append("for=")
            client.withText { writer.append($0, 0..<$0.count) }
        }
        if let host, !host.isEmpty {
            // Host bytes never include '"' or '\' (see HTTPSyntax.isHostByte): no escaping needed.
            writer.append(";host=\"")
            writer.append(bytes, host)
            writer.append("\"")
        }
        writer.append(";proto=https")
    }

    /// The values of every `name` field joined with ", "; false when there was none.
    private func appendValues(
        of name: HTTPFieldName, _ fields: [HTTPField], _ bytes: UnsafeBufferPointer<UInt8>,
        into writer: inout HTTPHeadWriter
    ) -> Bool {
        var wrote = false
        for field in fields where field.name == name && field.valueEnd > field.valueStart {
            if wrote { writer.append(", ") }
            writer.append(bytes, field.valueStart..<field.valueEnd)
            wrote = true
        }
        return wrote
    }
}
