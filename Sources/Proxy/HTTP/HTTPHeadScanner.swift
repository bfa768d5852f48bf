import Glibc

/// Finds where a head ends (the empty line) as its bytes arrive, without scanning any byte twice
/// more than once per read: it resumes at the start of the line that was incomplete.
///
/// Every line must end in CRLF: a bare LF is refused here, at once, rather than waiting for a
/// terminator that a client using bare LFs would never send.
struct HTTPHeadScanner {
    /// Offset of the first byte of the line being scanned.
    private var lineStart = 0
    /// Offset just past the first line's CRLF, once it has arrived (for early checks of the
    /// request line: an HTTP/0.9 client would otherwise wait for a blank line it never sends).
    private(set) var firstLineEnd: Int?

    /// Starts over for the next head.
    mutating func reset() {
        lineStart = 0
        firstLineEnd = nil
    }

    /// Scans `bytes` (the head's bytes so far, from its first byte). Returns the head's length
    /// (through the blank line's CRLF) once it is complete, nil while more bytes are needed.
    /// Throws `.headTooLarge` when the head reaches `limit` bytes without ending.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) throws(HTTPViolation) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = min(bytes.count, limit)
        while lineStart < count {
            guard let found = memchr(base + lineStart, Int32(HTTPSyntax.lf), count - lineStart) else { break }
            let lf = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            guard lf > lineStart, bytes[lf - 1] == HTTPSyntax.cr else { throw .bareLF }
            if lf - 1 == lineStart && firstLineEnd != nil { return lf + 1 }
            if firstLineEnd == nil { firstLineEnd = lf + 1 }
            lineStart = lf + 1
        }
        if bytes.count >= limit { throw .headTooLarge }
        return nil
    }
}
