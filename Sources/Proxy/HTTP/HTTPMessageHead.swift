/// HTTP/1.0 or HTTP/1.1 (a later 1.x minor version is read as 1.1, as RFC 9110 §2.5 asks).
enum HTTPVersion: Equatable {
    case http10
    case http11
}

/// How a message's body is delimited.
enum HTTPBodyFraming: Equatable {
    /// No body.
    case none
    /// `Content-Length` bytes.
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// Everything until the connection closes (responses only).
    case untilClose
}

/// The methods whose handling differs; any other valid token is `.other` and forwarded as it is.
enum HTTPMethod: Equatable {
    case get, head, post, put, delete, connect, options, trace, other

    /// Safe to send again when no byte of a response arrived (RFC 9110 §9.2.2).
    var isIdempotent: Bool {
        switch self {
        case .get, .head, .put, .delete, .options, .trace: true
        case .post, .connect, .other: false
        }
    }

    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> HTTPMethod {
        // Methods are case-sensitive (RFC 9110 §9.1): "get" is a different, unknown method.
        func matches(_ literal: StaticString) -> Bool {
            guard end == literal.utf8CodeUnitCount else { return false }
            for index in 0..<end where bytes[index] != literal.utf8Start[index] { return false }
            return true
        }
        switch end {
        case 3: return matches("GET") ? .get : matches("PUT") ? .put : .other
        case 4: return matches("HEAD") ? .head : matches("POST") ? .post : .other
        case 5: return matches("TRACE") ? .trace : .other
        case 6: return matches("DELETE") ? .delete : .other
        case 7: return matches("OPTIONS") ? .options : matches("CONNECT") ? .connect : .other
        default: return .other
        }
    }
}

/// What the `Connection` fields of a head say.
struct HTTPConnectionOptions: Equatable {
    var close = false
    var keepAlive = false
    var upgrade = false
}

/// A parsed request head: offsets into the bytes it was parsed from, plus what framing and
/// forwarding need. Its fields live in the `HTTPHeadParser` that produced it.
struct HTTPRequestHead: Equatable {
    var method: HTTPMethod
    /// `[0, methodEnd)` is the method; `[targetStart, targetEnd)` the request target.
    var methodEnd: Int
    var targetStart: Int
    var targetEnd: Int
    var version: HTTPVersion
    /// Just past the request line's CRLF: the first header line.
    var requestLineEnd: Int
    /// The whole head, through the blank line.
    var length: Int
    var framing: HTTPBodyFraming
    /// The index of the Host field in the parser's fields, if there is one.
    var hostField: Int?
    var connection: HTTPConnectionOptions
    var hasUpgrade: Bool
    /// `Expect: 100-continue`.
    var expectsContinue: Bool

    /// The client wants to switch protocols (`Upgrade` named by `Connection`, HTTP/1.1 only).
    var isUpgrade: Bool { hasUpgrade && connection.upgrade && version == .http11 }

    /// Whether the client lets the connection persist after this exchange (RFC 9112 §9.3).
    var clientKeepsAlive: Bool {
        switch version {
        case .http11: !connection.close
        case .http10: connection.keepAlive && !connection.close
        }
    }
}

/// A parsed response head.
struct HTTPResponseHead: Equatable {
    var status: Int
    var version: HTTPVersion
    /// Just past the status line's CRLF.
    var statusLineEnd: Int
    var length: Int
    var contentLength: Int?
    var isChunked: Bool
    var connection: HTTPConnectionOptions

    /// 1xx other than 101: forwarded (to HTTP/1.1 clients) and followed by another head.
    var isInterim: Bool { status >= 100 && status < 200 && status != 101 }

    /// Whether the server lets the connection persist after this response.
    var serverKeepsAlive: Bool {
        switch version {
        case .http11: !connection.close
        case .http10: connection.keepAlive && !connection.close
        }
    }
}
