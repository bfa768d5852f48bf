/// Reads one HTTP/1.x response from a stream: the head (interim 1xx responses skipped) and then the
/// body by its framing, never holding more than the size cap of body bytes.
struct OCSPHTTPResponseReader {
    /// The largest response head accepted.
    static let maximumHeadSize = 32 * 1024
    /// The largest chunk-size or trailer line accepted.
    static let maximumChunkLineSize = 4 * 1024

    private let stream: any TransportStream
    private let deadline: TransportDeadline
    private var buffer: [UInt8] = []
    private var start = 0

    init(stream: any TransportStream, deadline: TransportDeadline) {
        self.stream = stream
        self.deadline = deadline
    }

    /// Bytes received but not consumed yet.
    var unconsumedCount: Int { buffer.count - start }

    /// Reads the next final (non-1xx) response head.
    mutating func readHead() throws(OCSPTransportError.Reason) -> OCSPHTTPResponseHead {
        while true {
            var lines: [[UInt8]] = []
            var size = 0
            while true {
                let line = try readLine(limit: Self.maximumHeadSize - size, phase: .responseHead) {
                    .malformedResponse("response head exceeds \(Self.maximumHeadSize) bytes")
                }
                size += line.count + 2
                if line.isEmpty {
                    if lines.isEmpty { continue }  // tolerate stray blank lines before the status line
                    break
                }
                if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                    throw .malformedResponse("obsolete header line folding")
                }
                lines.append(line)
            }
            let head = try OCSPHTTPResponseHead(lines: lines)
            if (100..<200).contains(head.statusCode) && head.statusCode != 101 { continue }
            return head
        }
    }

    /// Reads the body that follows `head`, failing with `bodyTooLarge` as soon as it would exceed `cap`.
    mutating func readBody(of head: OCSPHTTPResponseHead, cap: Int) throws(OCSPTransportError.Reason) -> [UInt8] {
        switch try head.bodyFraming() {
        case .none:
            return []
        case .contentLength(let length):
            guard length <= cap else { throw .bodyTooLarge(cap: cap) }
            return try read(exactly: length)
        case .untilClose:
            var body: [UInt8] = []
            while true {
                if unconsumedCount == 0 {
                    guard try fill(phase: .responseBody) else { return body }
                }
                guard body.count + unconsumedCount <= cap else { throw .bodyTooLarge(cap: cap) }
                body += buffer[start...]
                start = buffer.count
            }
        case .chunked:
            var body: [UInt8] = []
            while true {
                let line = try readLine(limit: Self.maximumChunkLineSize, phase: .responseBody) {
                    .malformedResponse("chunk size line too long")
                }
                let sizeField = line.prefix { $0 != UInt8(ascii: ";") }
                let sizeText = OCSPHTTPResponseHead.trimmed(Substring(String(decoding: sizeField, as: UTF8.self)))
                guard !sizeText.isEmpty, sizeText.count <= 15, let size = Int(sizeText, radix: 16), size >= 0 else {
                    throw .malformedResponse("invalid chunk size \"\(OCSPHTTPResponseHead.printable(line))\"")
                }
                if size == 0 { break }
                guard body.count + size <= cap else { throw .bodyTooLarge(cap: cap) }
                body += try read(exactly: size)
                let terminator = try readLine(limit: 0, phase: .responseBody) {
                    .malformedResponse("chunk data not followed by CRLF")
                }
                guard terminator.isEmpty else { throw .malformedResponse("chunk data not followed by CRLF") }
            }
            // Trailer fields, up to the empty line.
            var trailerSize = 0
            while true {
                let line = try readLine(limit: Self.maximumChunkLineSize, phase: .responseBody) {
                    .malformedResponse("chunked trailer too long")
                }
                trailerSize += line.count
                if line.isEmpty { return body }
                guard trailerSize <= Self.maximumHeadSize else { throw .malformedResponse("chunked trailer too long") }
            }
        }
    }

    /// Reads exactly `count` bytes of body.
    private mutating func read(exactly count: Int) throws(OCSPTransportError.Reason) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            if unconsumedCount == 0 {
                guard try fill(phase: .responseBody) else { throw .connectionClosed(.responseBody) }
            }
            let take = min(count - out.count, unconsumedCount)
            out += buffer[start..<start + take]
            start += take
        }
        return out
    }

    /// Reads one line ending in LF (a preceding CR is dropped). Fails with `tooLong` if more than
    /// `limit` bytes come before the line end, and with `connectionClosed` at end of stream.
    private mutating func readLine(
        limit: Int,
        phase: OCSPTransportError.Phase,
        tooLong: () -> OCSPTransportError.Reason
    ) throws(OCSPTransportError.Reason) -> [UInt8] {
        var scanned = start
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end - start <= limit else { throw tooLong() }
                let line = Array(buffer[start..<end])
                start = newline + 1
                return line
            }
            guard buffer.count - start <= limit + 1 else { throw tooLong() }
            scanned = buffer.count
            let before = start
            guard try fill(phase: phase) else { throw .connectionClosed(phase) }
            scanned -= before - start  // fill may compact the buffer
        }
    }

    /// Reads more bytes from the stream into the buffer; `false` at end of stream.
    private mutating func fill(phase: OCSPTransportError.Phase) throws(OCSPTransportError.Reason) -> Bool {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        let chunk = 16 * 1024
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let stream = self.stream
        let deadline = self.deadline
        let outcome = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(OCSPTransportError.Reason) in
                try stream.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: raw[oldCount...]), deadline: deadline, phase: phase)
            }
        }
        let received = (try? outcome.get()) ?? 0
        buffer.removeLast(chunk - received)
        return try outcome.get() > 0
    }
}
