import Foundation
import TestSupport

/// A raw HTTP exchange over TCP: bytes out as given, the whole answer back (the server closes).
struct RawExchange {
    var status: Int
    var head: String
    var body: String

    func header(_ name: String) -> String? {
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    static func send(_ request: String, port: UInt16) throws -> RawExchange {
        let stream = try TCPStream.connect(port: port, timeout: .seconds(5))
        try stream.write(request)
        return try parse(try stream.readToEOF())
    }

    static func parse(_ bytes: [UInt8]) throws -> RawExchange {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            throw RawHTTPError(description: "no complete response head in \(text.debugDescription)")
        }
        let head = String(text[..<split.lowerBound])
        let statusText = head.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        guard let status = Int(statusText) else { throw RawHTTPError(description: "bad status line in \(head)") }
        return RawExchange(status: status, head: head, body: String(text[split.upperBound...]))
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
}
