extension HTTPHeadParser {
    /// Parses a complete response head of `length` bytes whose status line ends at `statusLineEnd`.
    /// The same rules as for requests apply; a violation makes the response a 502.
    mutating func parseResponse(
        _ bytes: UnsafeBufferPointer<UInt8>, length: Int, statusLineEnd: Int, maxFields: Int
    ) throws(HTTPViolation) -> HTTPResponseHead {
        let (version, status) = try Self.parseStatusLine(bytes, lineEnd: statusLineEnd)
        let summary = try parseFields(bytes, from: statusLineEnd, length: length, maxFields: maxFields)
        if summary.transferCodings.isPresent {
            if summary.contentLength != nil { throw .contentLengthWithTransferEncoding }
            if version == .http10 { throw .transferEncodingInHTTP10 }
            try summary.transferCodings.validate()
        }
        return HTTPResponseHead(
            status: status, version: version, statusLineEnd: statusLineEnd, length: length,
            contentLength: summary.contentLength, isChunked: summary.transferCodings.isPresent,
            connection: summary.connection)
    }

    /// `HTTP-version SP 3DIGIT SP [reason-phrase] CRLF`; the space before an empty reason may be
    /// missing (some servers omit it). The status is 100–599.
    static func parseStatusLine(_ bytes: UnsafeBufferPointer<UInt8>, lineEnd: Int) throws(HTTPViolation)
        -> (HTTPVersion, Int)
    {
        let end = lineEnd - 2
        guard end >= 12, bytes[8] == HTTPSyntax.space else { throw .invalidStatusLine }
        let version: HTTPVersion
        do {
            version = try parseVersion(bytes, from: 0, end: 8)
        } catch {
            throw .invalidStatusLine
        }
        guard HTTPSyntax.isDigit(bytes[9]), HTTPSyntax.isDigit(bytes[10]), HTTPSyntax.isDigit(bytes[11]) else {
            throw .invalidStatusLine
        }
        let status = Int(bytes[9] &- 0x30) * 100 + Int(bytes[10] &- 0x30) * 10 + Int(bytes[11] &- 0x30)
        guard (100...599).contains(status) else { throw .invalidStatusLine }
        if end > 12 {
            guard bytes[12] == HTTPSyntax.space else { throw .invalidStatusLine }
            for i in 13..<end where !HTTPSyntax.isFieldValueByte(bytes[i]) {
                try checkCharacter(bytes, i)
                throw .invalidStatusLine
            }
        }
        return (version, status)
    }
}
