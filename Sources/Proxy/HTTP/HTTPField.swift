/// One header line of a parsed head, as offsets into the head's bytes (nothing is copied).
struct HTTPField: Equatable {
    var name: HTTPFieldName
    /// The first byte of the line (of the field name).
    var lineStart: Int
    /// The colon.
    var nameEnd: Int
    /// The value without leading and trailing whitespace: `[valueStart, valueEnd)`.
    var valueStart: Int
    var valueEnd: Int
    /// Just past the line's CRLF.
    var lineEnd: Int
    /// Removed when forwarding: a hop-by-hop field, or one that `Connection` names.
    var isHopByHop = false
}

/// The field names a proxy acts on; every other name is `.other` and forwarded as it is.
enum HTTPFieldName: UInt8, Equatable {
    case other
    case host
    case contentLength
    case transferEncoding
    case connection
    case keepAlive
    case proxyConnection
    case te
    case trailer
    case upgrade
    case expect
    case xForwardedFor
    case xForwardedProto
    case xForwardedHost
    case forwarded

    /// The name of `bytes[start..<end]`, compared without regard to ASCII case.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> HTTPFieldName {
        func matches(_ literal: StaticString) -> Bool {
            HTTPFieldName.equalsIgnoringCase(bytes, start, end, literal)
        }
        switch end - start {
        case 2: return matches("te") ? .te : .other
        case 4: return matches("host") ? .host : .other
        case 6: return matches("expect") ? .expect : .other
        case 7:
            if matches("upgrade") { return .upgrade }
            return matches("trailer") ? .trailer : .other
        case 9: return matches("forwarded") ? .forwarded : .other
        case 10:
            if matches("connection") { return .connection }
            return matches("keep-alive") ? .keepAlive : .other
        case 14: return matches("content-length") ? .contentLength : .other
        case 15: return matches("x-forwarded-for") ? .xForwardedFor : .other
        case 16:
            if matches("proxy-connection") { return .proxyConnection }
            return matches("x-forwarded-host") ? .xForwardedHost : .other
        case 17:
            if matches("transfer-encoding") { return .transferEncoding }
            return matches("x-forwarded-proto") ? .xForwardedProto : .other
        default: return .other
        }
    }

    /// Whether `bytes[start..<end]` equals `literal` (lower case) ignoring ASCII case.
    @inline(__always)
    static func equalsIgnoringCase(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString
    ) -> Bool {
        guard end - start == literal.utf8CodeUnitCount else { return false }
        let expected = literal.utf8Start
        for offset in 0..<(end - start) where HTTPSyntax.lowercased(bytes[start + offset]) != expected[offset] {
            return false
        }
        return true
    }

    /// Whether two ranges of `bytes` hold the same token ignoring ASCII case.
    @inline(__always)
    static func equalsIgnoringCase(
        _ bytes: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>
    ) -> Bool {
        guard a.count == b.count else { return false }
        for offset in 0..<a.count
        where HTTPSyntax.lowercased(bytes[a.lowerBound + offset]) != HTTPSyntax.lowercased(bytes[b.lowerBound + offset])
        {
            return false
        }
        return true
    }
}
