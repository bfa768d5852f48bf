/// Writes the head a client receives for a parsed response: the status line as the backend sent
/// it, its fields minus hop-by-hop ones, the framing field normalised, and the `Connection` field
/// that matches what stapled does with the client connection next.
enum HTTPResponseRewriter {
    /// What the proxy decided about this response.
    struct Plan: Equatable {
        /// The body is sent without its chunked framing (an HTTP/1.0 client; the connection then
        /// closes to delimit it).
        var dechunks = false
        /// The client connection closes after this response.
        var closes = false
        /// `Connection: keep-alive` (an HTTP/1.0 client whose connection persists).
        var announcesKeepAlive = false
        /// A 101 whose `Upgrade` is forwarded with `Connection: upgrade`.
        var switchesProtocols = false
        /// 1xx and 204 carry no framing fields.
        var omitsFraming = false
    }

    static func write(
        _ head: HTTPResponseHead, fields: [HTTPField], _ bytes: UnsafeBufferPointer<UInt8>, plan: Plan,
        into writer: inout HTTPHeadWriter
    ) {
        writer.append(bytes, 0..<head.statusLineEnd)
        for field in fields {
            switch field.name {
            case .contentLength, .transferEncoding:
                continue
            case .upgrade where plan.switchesProtocols:
                break
            default:
                if field.isHopByHop { continue }
            }
            writer.append(bytes, field.lineStart..<field.lineEnd)
        }
        if !plan.omitsFraming {
            if head.isChunked {
                if !plan.dechunks { writer.append("Transfer-Encoding: chunked\r\n") }
            } else if let length = head.contentLength {
                writer.append("Content-Length: ")
                writer.append(decimal: length)
                writer.append("\r\n")
            }
        }
        if plan.switchesProtocols {
            writer.append("Connection: upgrade\r\n")
        } else if plan.closes {
            writer.append("Connection: close\r\n")
        } else if plan.announcesKeepAlive {
            writer.append("Connection: keep-alive\r\n")
        }
        writer.append("\r\n")
    }
}
