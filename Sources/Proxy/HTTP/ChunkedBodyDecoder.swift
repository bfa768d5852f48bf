/// Follows a chunked body (RFC 9112 §7.1) as its bytes pass, to find where it ends and to refuse
/// bad framing before it is forwarded: chunk sizes are 1*HEXDIG (at most 2^56), extensions hold
/// no control characters, every line ends in CRLF, trailer lines are well-formed fields.
///
/// It never copies: `advance` classifies the bytes in front of it as one run of chunk data or of
/// framing, so a caller can forward the body as it is, or forward only the data (de-chunking).
struct ChunkedBodyDecoder: Equatable {
    private enum State: Equatable {
        case size
        case sizeWhitespace
        case chunkExtension
        case sizeLF
        case data
        case dataCR
        case dataLF
        case trailerStart
        case trailerName
        case trailerValue
        case trailerLF
        case finalLF
        case done
    }

    /// Bytes of chunk-size line or trailer section allowed before it counts as an attack.
    static let lineLimit: Int16 = 4096
    static let trailerLimit: Int16 = 16 * 1024

    // Field order and widths keep the decoder at 16 bytes (two of them sit in every HTTP
    // connection): the counters are bounded by the limits above.
    private var size = 0
    private var state = State.size
    private var digits: Int16 = 0
    private var lineLength: Int16 = 0
    private var trailerLength: Int16 = 0

    /// The last chunk and the trailer section have been read.
    var isComplete: Bool { state == .done }

    /// Classifies the bytes at the start of `bytes`: returns the length of one run and whether it
    /// is chunk data. Stops after the body's last byte (`isComplete`), so bytes that follow it
    /// (a pipelined request) are never consumed. Returns a zero-length run only when `bytes` is
    /// empty or the body is complete.
    mutating func advance(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPViolation) -> (length: Int, isData: Bool) {
        if state == .data {
            let run = min(size, bytes.count)
            size -= run
            if size == 0 { state = .dataCR }
            return (run, true)
        }
        var index = 0
        while index < bytes.count && state != .done && state != .data {
            try step(bytes[index])
            index += 1
        }
        return (index, false)
    }

    private mutating func step(_ byte: UInt8) throws(HTTPViolation) {
        switch state {
        case .size:
            lineLength += 1
            guard lineLength <= Self.lineLimit else { throw .invalidChunkSize }
            if let digit = HTTPSyntax.hexValue(byte) {
                guard size < 1 << 52 else { throw .invalidChunkSize }
                size = size << 4 | Int(digit)
                digits += 1
                return
            }
            guard digits > 0 else { throw .invalidChunkSize }
            if byte == HTTPSyntax.cr {
                state = .sizeLF
            } else if byte == HTTPSyntax.semicolon {
                state = .chunkExtension
            } else if HTTPSyntax.isWhitespace(byte) {
                state = .sizeWhitespace
            } else {
                throw .invalidChunkSize
            }
        case .sizeWhitespace:
            // BWS is allowed only before ";" of an extension.
            lineLength += 1
            if byte == HTTPSyntax.semicolon {
                state = .chunkExtension
            } else if !HTTPSyntax.isWhitespace(byte) {
                throw .invalidChunkSize
            }
        case .chunkExtension:
            lineLength += 1
            guard lineLength <= Self.lineLimit else { throw .invalidChunkExtension }
            if byte == HTTPSyntax.cr {
                state = .sizeLF
            } else if !HTTPSyntax.isFieldValueByte(byte) {
                throw .invalidChunkExtension
            }
        case .sizeLF:
            guard byte == HTTPSyntax.lf else { throw .bareCR }
            lineLength = 0
            digits = 0
            state = size == 0 ? .trailerStart : .data
        case .data:
            preconditionFailure("chunk data is consumed in advance(_:)")
        case .dataCR:
            guard byte == HTTPSyntax.cr else { throw .invalidChunkData }
            state = .dataLF
        case .dataLF:
            guard byte == HTTPSyntax.lf else { throw .invalidChunkData }
            state = .size
        case .trailerStart:
            if byte == HTTPSyntax.cr {
                state = .finalLF
            } else if HTTPSyntax.isToken(byte) {
                try countTrailerByte()
                state = .trailerName
            } else {
                throw .invalidTrailer
            }
        case .trailerName:
            try countTrailerByte()
            if byte == HTTPSyntax.colon {
                state = .trailerValue
            } else if !HTTPSyntax.isToken(byte) {
                throw .invalidTrailer
            }
        case .trailerValue:
            try countTrailerByte()
            if byte == HTTPSyntax.cr {
                state = .trailerLF
            } else if !HTTPSyntax.isFieldValueByte(byte) {
                throw .invalidTrailer
            }
        case .trailerLF:
            guard byte == HTTPSyntax.lf else { throw .bareCR }
            state = .trailerStart
        case .finalLF:
            guard byte == HTTPSyntax.lf else { throw .bareCR }
            state = .done
        case .done:
            break
        }
    }

    private mutating func countTrailerByte() throws(HTTPViolation) {
        trailerLength += 1
        guard trailerLength <= Self.trailerLimit else { throw .invalidTrailer }
    }
}
