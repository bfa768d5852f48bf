extension HTTPHeadParser {
    /// The request line's parts.
    struct RequestLine: Equatable {
        var method: HTTPMethod
        var methodEnd: Int
        var targetStart: Int
        var targetEnd: Int
        var version: HTTPVersion
    }

    /// Parses a complete request head of `length` bytes (through the blank line).
    mutating func parseRequest(
        _ bytes: UnsafeBufferPointer<UInt8>, length: Int, requestLineEnd: Int, maxFields: Int
    ) throws(HTTPViolation) -> HTTPRequestHead {
        let line = try Self.parseRequestLine(bytes, lineEnd: requestLineEnd)
        let summary = try parseFields(bytes, from: requestLineEnd, length: length, maxFields: maxFields)
        if line.version == .http11 && summary.hostField == nil { throw .missingHost }
        let framing: HTTPBodyFraming
        if summary.transferCodings.isPresent {
            if summary.contentLength != nil { throw .contentLengthWithTransferEncoding }
            // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
            if line.version == .http10 { throw .transferEncodingInHTTP10 }
            try summary.transferCodings.validate()
            framing = .chunked
        } else if let length = summary.contentLength {
            framing = .length(length)
        } else {
            framing = .none
        }
        return HTTPRequestHead(
            method: line.method, methodEnd: line.methodEnd, targetStart: line.targetStart, targetEnd: line.targetEnd,
            version: line.version, requestLineEnd: requestLineEnd, length: length, framing: framing,
            hostField: summary.hostField, connection: summary.connection, hasUpgrade: summary.hasUpgrade,
            // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored.
            expectsContinue: summary.expectsContinue && line.version == .http11)
    }

    /// Parses `method SP request-target SP HTTP-version CRLF`, `lineEnd` being just past the CRLF.
    /// Called as soon as the first line has arrived, so a bad request line (or an HTTP/0.9
    /// request, which has no blank line to wait for) is refused at once.
    static func parseRequestLine(_ bytes: UnsafeBufferPointer<UInt8>, lineEnd: Int) throws(HTTPViolation)
        -> RequestLine
    {
        let end = lineEnd - 2
        var i = 0
        while i < end && HTTPSyntax.isToken(bytes[i]) { i += 1 }
        let methodEnd = i
        guard methodEnd > 0, i < end, bytes[i] == HTTPSyntax.space else {
            if i < end { try checkCharacter(bytes, i) }
            throw .invalidMethod
        }
        i += 1
        let targetStart = i
        while i < end && bytes[i] != HTTPSyntax.space {
            guard HTTPSyntax.isTargetByte(bytes[i]) else {
                try checkCharacter(bytes, i)
                throw .invalidTarget
            }
            i += 1
        }
        let targetEnd = i
        guard targetEnd > targetStart else { throw .invalidTarget }
        guard i < end else { throw .http09 }
        let version = try parseVersion(bytes, from: i + 1, end: end)
        let method = HTTPMethod.classify(bytes, methodEnd)
        try validateTarget(bytes, targetStart, targetEnd, method: method)
        return RequestLine(
            method: method, methodEnd: methodEnd, targetStart: targetStart, targetEnd: targetEnd, version: version)
    }

    /// `HTTP/1.0`, `HTTP/1.1` (or a later 1.x, read as 1.1); another major version is refused
    /// with 505, anything else that is not `HTTP/DIGIT.DIGIT` with 400.
    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) throws(HTTPViolation)
        -> HTTPVersion
    {
        let wellFormed =
            end - start == 8 && bytes[start] == 0x48 && bytes[start + 1] == 0x54 && bytes[start + 2] == 0x54
            && bytes[start + 3] == 0x50 && bytes[start + 4] == 0x2F && HTTPSyntax.isDigit(bytes[start + 5])
            && bytes[start + 6] == 0x2E && HTTPSyntax.isDigit(bytes[start + 7])
        guard wellFormed else {
            for i in start..<end { try checkCharacter(bytes, i) }
            throw .invalidVersion
        }
        guard bytes[start + 5] == 0x31 else { throw .unsupportedVersion }
        return bytes[start + 7] == 0x30 ? .http10 : .http11
    }

    /// The four forms of RFC 9112 §3.2, each only where it belongs, and well-formed
    /// percent-encoding (a stray `%` is decoded differently by different servers).
    private static func validateTarget(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, method: HTTPMethod
    ) throws(HTTPViolation) {
        var i = start
        while i < end {
            if bytes[i] == HTTPSyntax.percent {
                guard i + 2 < end, HTTPSyntax.hexValue(bytes[i + 1]) != nil, HTTPSyntax.hexValue(bytes[i + 2]) != nil
                else { throw .invalidTarget }
                i += 3
            } else {
                i += 1
            }
        }
        let first = bytes[start]
        if method == .connect {
            // authority-form: host ":" port.
            var colon: Int?
            for j in start..<end {
                guard HTTPSyntax.isHostByte(bytes[j]) else { throw .invalidTarget }
                if bytes[j] == HTTPSyntax.colon { colon = j }
            }
            guard let colon, colon > start, colon + 1 < end,
                (colon + 1..<end).allSatisfy({ HTTPSyntax.isDigit(bytes[$0]) })
            else { throw .invalidTarget }
            return
        }
        if first == 0x2F { return }  // origin-form: "/" ...
        if first == 0x2A && end - start == 1 {  // asterisk-form: "*", OPTIONS only.
            guard method == .options else { throw .invalidTarget }
            return
        }
        // absolute-form: scheme "://" ...
        guard HTTPSyntax.lowercased(first) &- 0x61 < 26 else { throw .invalidTarget }
        var j = start + 1
        while j < end {
            let byte = bytes[j]
            let isSchemeByte =
                HTTPSyntax.lowercased(byte) &- 0x61 < 26 || HTTPSyntax.isDigit(byte) || byte == 0x2B || byte == 0x2D
                || byte == 0x2E
            guard isSchemeByte else { break }
            j += 1
        }
        guard j + 2 < end, bytes[j] == HTTPSyntax.colon, bytes[j + 1] == 0x2F, bytes[j + 2] == 0x2F else {
            throw .invalidTarget
        }
    }
}
