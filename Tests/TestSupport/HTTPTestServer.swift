import Foundation

/// A request as `HTTPTestServer` saw it.
public struct HTTPTestRequest: Sendable {
    /// The request line and headers, as received (without the blank line).
    public var head: String
    public var body: [UInt8]

    /// The request line, e.g. `GET / HTTP/1.1`.
    public var requestLine: String {
        String(head.split(separator: "\r\n", omittingEmptySubsequences: false).first ?? "")
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// A tiny HTTP/1.1 backend answering every request with a fixed status and body. It honours
/// keep-alive, `Connection: close`, HTTP/1.0 and request bodies with `Content-Length`, and records
/// every request (for checking what a proxy forwarded, e.g. added headers).
public final class HTTPTestServer: Sendable {
    public let server: TCPTestServer
    public var port: UInt16 { server.port }
    public let body: String
    private let recorded: LockedValue<[HTTPTestRequest]>

    public init(port: UInt16 = 0, status: String = "200 OK", body: String = "hello from backend\n") throws {
        let recorded = LockedValue<[HTTPTestRequest]>([])
        self.recorded = recorded
        self.body = body
        server = try TCPTestServer(name: "http", port: port) { connection in
            var buffer: [UInt8] = []
            while let request = try Self.readRequest(connection, buffer: &buffer) {
                recorded.withLock { $0.append(request) }
                let close =
                    request.header("connection")?.lowercased() == "close" || request.requestLine.hasSuffix("HTTP/1.0")
                let response =
                    "HTTP/1.1 \(status)\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n"
                    + (close ? "Connection: close\r\n" : "") + "\r\n"
                    + (request.requestLine.hasPrefix("HEAD ") ? "" : body)
                try connection.write(response)
                if close { break }
            }
        }
    }

    /// Every request received so far, in arrival order.
    public var requests: [HTTPTestRequest] { recorded.value }

    public func stop() { server.stop() }

    /// Reads one request (head, then a `Content-Length` body); nil at a clean EOF between requests.
    private static func readRequest(_ connection: TCPStream, buffer: inout [UInt8]) throws -> HTTPTestRequest? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while true {
            headEnd = buffer.firstRange(of: separator)?.lowerBound
            if headEnd != nil { break }
            let chunk = try connection.read()
            if chunk.isEmpty {
                if buffer.isEmpty { return nil }
                throw TestSupportError(.protocolViolation, "HTTPTestServer", "EOF inside a request head")
            }
            buffer += chunk
            if buffer.count > 1 << 20 { throw TestSupportError(.protocolViolation, "HTTPTestServer", "head too long") }
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + separator.count)
        var request = HTTPTestRequest(head: head, body: [])
        let length = Int(request.header("content-length") ?? "0") ?? 0
        while buffer.count < length {
            let chunk = try connection.read()
            if chunk.isEmpty { throw TestSupportError(.protocolViolation, "HTTPTestServer", "EOF inside a body") }
            buffer += chunk
        }
        request.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return request
    }
}
