import Foundation
import TestSupport

/// A blocking byte source (a TCP or TLS connection) read through a buffer, with the few reads an
/// HTTP/1.1 peer needs: up to a delimiter, an exact count, to the end.
final class ByteStream {
    private let readChunk: () throws -> [UInt8]
    private var buffer: [UInt8] = []
    private var position = 0
    private(set) var ended = false

    init(read: @escaping () throws -> [UInt8]) { readChunk = read }

    /// Buffered bytes not read yet.
    var available: Int { buffer.count - position }

    /// Reads more into the buffer; false at the end of the stream.
    @discardableResult
    func fill() throws -> Bool {
        if ended { return false }
        let chunk = try readChunk()
        if chunk.isEmpty {
            ended = true
            return false
        }
        if position > 0 && position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 1 << 20 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer += chunk
        return true
    }

    /// The bytes up to and including `delimiter`; nil if the stream ends first.
    func read(through delimiter: [UInt8], limit: Int = 1 << 20) throws -> [UInt8]? {
        // How far past `position` the buffer has been searched (fill() may move the buffer).
        var searched = 0
        while true {
            if let range = buffer[(position + searched)...].firstRange(of: delimiter) {
                let result = Array(buffer[position..<range.upperBound])
                position = range.upperBound
                return result
            }
            searched = max(0, available - delimiter.count + 1)
            guard available < limit else {
                throw TestSupportError(.protocolViolation, "ByteStream", "no \(delimiter) within \(limit) bytes")
            }
            guard try fill() else { return nil }
        }
    }

    /// Exactly `count` bytes; fewer if the stream ends first.
    func read(exactly count: Int) throws -> [UInt8] {
        while available < count {
            guard try fill() else { break }
        }
        let length = min(count, available)
        let result = Array(buffer[position..<position + length])
        position += length
        return result
    }

    /// Everything until the stream ends.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        let result = Array(buffer[position...])
        position = buffer.count
        return result
    }

    /// One `CRLF`-terminated line without its CRLF; nil at the end of the stream.
    func readLine() throws -> String? {
        try read(through: [0x0D, 0x0A]).map { String(decoding: $0.dropLast(2), as: UTF8.self) }
    }
}

/// Header lines parsed loosely (the tests check what the proxy sent, not the syntax).
struct HeaderLines: Sendable {
    var lines: [(name: String, value: String)]

    init(_ lines: some Sequence<String>) {
        self.lines = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    /// Every value of `name` (case-insensitive), in order.
    func values(_ name: String) -> [String] {
        lines.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    func value(_ name: String) -> String? { values(name).first }

    func contains(_ name: String) -> Bool { !values(name).isEmpty }
}

extension ByteStream {
    /// A head (start line and fields) up to the blank line; nil at the end of the stream.
    func readHead() throws -> (startLine: String, fields: HeaderLines, raw: String)? {
        guard let bytes = try read(through: Array("\r\n\r\n".utf8), limit: 1 << 20) else { return nil }
        let raw = String(decoding: bytes.dropLast(4), as: UTF8.self)
        let lines = raw.components(separatedBy: "\r\n")
        return (lines[0], HeaderLines(lines.dropFirst()), raw)
    }

    /// A chunked body's data (trailers dropped).
    func readChunkedBody() throws -> [UInt8] {
        var data: [UInt8] = []
        while true {
            guard let line = try readLine() else {
                throw TestSupportError(.protocolViolation, "chunked body", "the stream ended inside it")
            }
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw TestSupportError(
                    .protocolViolation, "chunked body", "bad chunk size line \(line.debugDescription)")
            }
            if size == 0 {
                while let trailer = try readLine(), !trailer.isEmpty {}
                return data
            }
            let chunk = try read(exactly: size)
            guard chunk.count == size, try read(exactly: 2) == [0x0D, 0x0A] else {
                throw TestSupportError(.protocolViolation, "chunked body", "chunk not followed by CRLF")
            }
            data += chunk
        }
    }
}
