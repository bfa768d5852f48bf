/// Where one message body ends in the bytes that follow its head, and which of them are written
/// on. Classifies input as it arrives without copying it: bytes at the front of the input are
/// either `pending` (to write, in place) or framing to drop (`classify` returns their count).
struct HTTPBodyCursor: Equatable {
    enum Kind: Equatable {
        /// So many bytes still to classify.
        case length(Int)
        /// A chunked body forwarded with its framing.
        case chunked(ChunkedBodyDecoder)
        /// A chunked body whose data alone is forwarded.
        case dechunked(ChunkedBodyDecoder)
        /// Everything until the connection ends (a response without length, or a tunnel).
        case untilClose
    }

    private(set) var kind: Kind
    /// Bytes at the front of the input that belong to the body and are still to be written.
    private(set) var pending = 0

    init(_ kind: Kind) { self.kind = kind }

    /// A cursor for `framing`; `dechunks` strips chunked framing.
    init(_ framing: HTTPBodyFraming, dechunks: Bool = false) {
        switch framing {
        case .none: kind = .length(0)
        case .length(let length): kind = .length(length)
        case .chunked: kind = dechunks ? .dechunked(ChunkedBodyDecoder()) : .chunked(ChunkedBodyDecoder())
        case .untilClose: kind = .untilClose
        }
    }

    /// Every byte of the body has been classified (`untilClose`: never; the caller ends it at EOF).
    var isComplete: Bool {
        switch kind {
        case .length(let remaining): remaining == 0
        case .chunked(let decoder), .dechunked(let decoder): decoder.isComplete
        case .untilClose: false
        }
    }

    /// The body has been classified and written.
    var isFinished: Bool { pending == 0 && isComplete }

    /// Classifies `available`: the input's bytes after the pending ones. Returns how many bytes at
    /// the front of the input the caller drops unwritten (de-chunked framing; only while nothing
    /// is pending). Never classifies past the body's end.
    mutating func classify(_ available: UnsafeBufferPointer<UInt8>) throws(HTTPViolation) -> Int {
        switch kind {
        case .length(let remaining):
            let count = min(remaining, available.count)
            kind = .length(remaining - count)
            pending += count
            return 0
        case .untilClose:
            pending += available.count
            return 0
        case .chunked(var decoder):
            defer { kind = .chunked(decoder) }
            var offset = 0
            while offset < available.count && !decoder.isComplete {
                let run = try decoder.advance(UnsafeBufferPointer(rebasing: available[offset...]))
                offset += run.length
            }
            pending += offset
            return 0
        case .dechunked(var decoder):
            guard pending == 0 else { return 0 }
            defer { kind = .dechunked(decoder) }
            var skipped = 0
            while skipped < available.count && !decoder.isComplete {
                let run = try decoder.advance(UnsafeBufferPointer(rebasing: available[skipped...]))
                if run.isData {
                    pending = run.length
                    return skipped
                }
                skipped += run.length
            }
            return skipped
        }
    }

    /// `count` pending bytes were written.
    mutating func wrote(_ count: Int) {
        pending -= count
    }
}
