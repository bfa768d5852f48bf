import Testing

@testable import Proxy

@Suite struct ChunkedBodyDecoderTests {
    /// Runs `body` through a decoder in pieces of `piece` bytes; returns the data it found, the
    /// bytes consumed, and the violation if any.
    static func decode(_ body: [UInt8], piece: Int = .max) -> (data: [UInt8], consumed: Int, error: HTTPViolation?) {
        var decoder = ChunkedBodyDecoder()
        var data: [UInt8] = []
        var offset = 0
        let step = min(piece, body.count)
        var available = step
        while !decoder.isComplete {
            if offset == available {
                if available == body.count { break }
                available = min(body.count, available + step)
            }
            let run: (length: Int, isData: Bool)
            do {
                run = try body[offset..<available].withUnsafeBufferPointer { try decoder.advance($0) }
            } catch {
                return (data, offset, error as? HTTPViolation)
            }
            if run.isData { data += body[offset..<offset + run.length] }
            offset += run.length
        }
        return (data, decoder.isComplete ? offset : -1, nil)
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func validBodiesInPieces(piece: Int) {
        let body = Array("5\r\nhello\r\n1;ext=1;q=\"a b\"\r\n \r\nA\r\n0123456789\r\n0\r\n\r\nNEXT".utf8)
        let result = Self.decode(body, piece: piece)
        #expect(result.error == nil)
        #expect(String(decoding: result.data, as: UTF8.self) == "hello 0123456789")
        #expect(result.consumed == body.count - 4, "stops before the next message")
    }

    @Test func trailersAndUpperCaseHex() {
        let body = Array("1F\r\n\(String(repeating: "x", count: 31))\r\n0\r\nX-Sum: 1\r\nX-Other: two\r\n\r\n".utf8)
        let result = Self.decode(body, piece: 5)
        #expect(result.error == nil)
        #expect(result.data.count == 31)
        #expect(result.consumed == body.count)
    }

    @Test func emptyBodyAndWhitespaceBeforeExtension() {
        #expect(Self.decode(Array("0\r\n\r\n".utf8)).consumed == 5)
        #expect(Self.decode(Array("000\r\n\r\n".utf8)).consumed == 7)
        #expect(Self.decode(Array("3 ;x\r\nabc\r\n0\r\n\r\n".utf8)).error == nil)
    }

    @Test(arguments: [
        ("no digits", "\r\n", HTTPViolation.invalidChunkSize),
        ("negative", "-1\r\n", .invalidChunkSize),
        ("hex prefix", "0x5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        ("space before the size", " 5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        ("space after the size", "5 \r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        ("letter in the size", "5g\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        ("overflowing size", "fffffffffffffffffff\r\n", .invalidChunkSize),
        ("bare LF after the size", "5\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        ("bare CR after the size", "5\rhello\r\n0\r\n\r\n", .bareCR),
        ("data longer than the size", "3\r\nhello\r\n0\r\n\r\n", .invalidChunkData),
        ("LF alone after data", "5\r\nhello\n0\r\n\r\n", .invalidChunkData),
        ("control character in an extension", "5;a=\u{1}\r\nhello\r\n0\r\n\r\n", .invalidChunkExtension),
        ("LF in an extension", "5;a\nb\r\nhello\r\n0\r\n\r\n", .invalidChunkExtension),
        ("trailer without colon", "0\r\nX-Sum\r\n\r\n", .invalidTrailer),
        ("folded trailer", "0\r\nX: a\r\n b\r\n\r\n", .invalidTrailer),
        ("trailer name with a space", "0\r\nX Y: a\r\n\r\n", .invalidTrailer),
        ("bare CR ending the body", "0\r\n\rX", .bareCR),
    ])
    func refused(name: String, body: String, violation: HTTPViolation) {
        #expect(Self.decode(Array(body.utf8)).error == violation, "\(name)")
        #expect(violation.status.status == 400)
    }

    @Test func sizeLineLengthIsBounded() {
        let long = String(repeating: "0", count: Int(ChunkedBodyDecoder.lineLimit) + 1) + "\r\n"
        #expect(Self.decode(Array(long.utf8)).error == .invalidChunkSize)
        let longExtension = "1;" + String(repeating: "a", count: Int(ChunkedBodyDecoder.lineLimit)) + "\r\n"
        #expect(Self.decode(Array(longExtension.utf8)).error == .invalidChunkExtension)
    }
}

@Suite struct HTTPBodyCursorTests {
    @Test func lengthStopsAtTheEndOfTheBody() throws {
        var cursor = HTTPBodyCursor(.length(5))
        let bytes = Array("helloGET".utf8)
        let dropped = try bytes.withUnsafeBufferPointer { try cursor.classify($0) }
        #expect(dropped == 0)
        #expect(cursor.pending == 5)
        #expect(cursor.isComplete)
        cursor.wrote(5)
        #expect(cursor.isFinished)
    }

    @Test func chunkedIsForwardedWithItsFraming() throws {
        var cursor = HTTPBodyCursor(.chunked)
        let body = Array("3\r\nabc\r\n0\r\n\r\nGET".utf8)
        _ = try body[0..<6].withUnsafeBufferPointer { try cursor.classify($0) }
        #expect(cursor.pending == 6)
        _ = try body[6...].withUnsafeBufferPointer { try cursor.classify($0) }
        #expect(cursor.pending == body.count - 3)
        #expect(cursor.isComplete)
    }

    @Test func dechunkedLeavesOnlyTheData() throws {
        var cursor = HTTPBodyCursor(.chunked, dechunks: true)
        var input = Array("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".utf8)
        var output: [UInt8] = []
        while !cursor.isFinished {
            let dropped = try input.withUnsafeBufferPointer { try cursor.classify($0) }
            input.removeFirst(dropped)
            output += input.prefix(cursor.pending)
            input.removeFirst(cursor.pending)
            cursor.wrote(cursor.pending)
        }
        #expect(String(decoding: output, as: UTF8.self) == "abcde")
        #expect(input.isEmpty)
    }

    @Test func untilCloseTakesEverything() throws {
        var cursor = HTTPBodyCursor(.untilClose)
        _ = try Array("abc".utf8).withUnsafeBufferPointer { try cursor.classify($0) }
        #expect(cursor.pending == 3)
        #expect(!cursor.isComplete)
    }
}
