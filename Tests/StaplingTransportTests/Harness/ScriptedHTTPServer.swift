import Foundation
import Synchronization
import TestSupport

/// A request as an in-test server saw it.
struct ReceivedRequest: Sendable {
    var requestLine: String
    var head: String
    var body: [UInt8]

    var method: String { String(requestLine.split(separator: " ").first ?? "") }
    var target: String { String(requestLine.split(separator: " ").dropFirst().first ?? "") }

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 && parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Reads a request head and its `Content-Length` body from `stream`; nil if the peer closed first.
    static func read(from stream: TCPStream) throws -> ReceivedRequest? {
        let headBytes = try stream.read(through: Array("\r\n\r\n".utf8), limit: 64 * 1024)
        guard headBytes.count >= 4 else { return nil }
        let head = String(decoding: headBytes.dropLast(4), as: UTF8.self)
        var request = ReceivedRequest(
            requestLine: head.components(separatedBy: "\r\n").first ?? "", head: head, body: [])
        var remaining = Int(request.header("content-length") ?? "0") ?? 0
        while remaining > 0 {
            let chunk = try stream.read(maxBytes: remaining)
            if chunk.isEmpty { break }
            request.body += chunk
            remaining -= chunk.count
        }
        return request
    }
}

/// A loopback HTTP server whose answer is whatever bytes the test scripts, for the framings and
/// faults a real responder rarely produces (chunked bodies, truncation, bad heads). Records every
/// request; one request per connection, closed after the answer.
final class ScriptedHTTPServer: Sendable {
    typealias Script = @Sendable (ReceivedRequest, TCPStream) throws -> Void

    let server: TCPTestServer
    private let recorder: Recorder

    var port: Int { Int(server.port) }
    var url: String { "http://127.0.0.1:\(port)/ocsp" }
    /// Every request received so far.
    var requests: [ReceivedRequest] { recorder.all }

    /// Answers every request by running `script` with the request and the connection.
    init(script: @escaping Script) throws {
        let recorder = Recorder()
        self.recorder = recorder
        server = try TCPTestServer(name: "scripted-http", ioTimeout: .seconds(20)) { stream in
            guard let request = try ReceivedRequest.read(from: stream) else { return }
            recorder.append(request)
            try script(request, stream)
        }
    }

    /// Answers every request with the same raw bytes.
    convenience init(answer: [UInt8]) throws {
        try self.init { _, stream in try stream.write(answer) }
    }

    /// A complete response with `Content-Length` (unless `headers` sets a framing itself).
    static func response(
        status: String = "200 OK", contentType: String? = "application/ocsp-response", headers: [String] = [],
        body: [UInt8]
    ) -> [UInt8] {
        var head = "HTTP/1.1 \(status)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        for header in headers { head += header + "\r\n" }
        if !headers.contains(where: { $0.lowercased().hasPrefix("transfer-encoding") }) {
            head += "Content-Length: \(body.count)\r\n"
        }
        return Array((head + "Connection: close\r\n\r\n").utf8) + body
    }

    deinit { server.stop() }
}

/// Requests recorded by a server's connection threads.
final class Recorder: Sendable {
    private let requests = Mutex<[ReceivedRequest]>([])

    func append(_ request: ReceivedRequest) { requests.withLock { $0.append(request) } }

    var all: [ReceivedRequest] { requests.withLock { $0 } }
}
