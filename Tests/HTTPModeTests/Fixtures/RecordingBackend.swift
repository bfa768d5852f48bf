import Foundation
import Synchronization
import TestSupport

/// A request as `RecordingBackend` received it.
struct RecordedRequest: Sendable {
    /// Which backend connection carried it (0 for the first accepted).
    var connection: Int
    /// Its place on that connection (0 for the first request).
    var sequence: Int
    var requestLine: String
    var fields: HeaderLines
    /// The body's data (de-chunked when it came chunked).
    var body: [UInt8]
    var wasChunked: Bool

    var method: String { String(requestLine.split(separator: " ").first ?? "") }
    var target: String { requestLine.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
}

/// What the backend does with a request.
enum BackendReply: Sendable {
    /// A response; no body is sent for HEAD, 1xx, 204 and 304. `close` adds `Connection: close`
    /// and closes after it.
    case respond(status: Int, headers: [String] = [], body: [UInt8] = [], chunked: Bool = false, close: Bool = false)
    /// These bytes as they are, then (when `close`) the end of the connection.
    case raw([UInt8], close: Bool)
    /// Never answers; waits for the peer to close.
    case silence
    /// Closes the connection without a response.
    case close
    /// `101 Switching Protocols` with these fields, then echoes every byte back until EOF.
    case switchProtocols(headers: [String])
}

/// An HTTP/1.1 backend strict enough to tell what a proxy forwarded: it reads each request's head
/// and its body by its framing (`Content-Length` or chunked, as the proxy sent them), records
/// it, and answers as `handler` says. It counts every byte it receives, so a test can tell that
/// nothing at all reached it.
final class RecordingBackend: Sendable {
    /// What the connection threads share with the test.
    private final class Record: Sendable {
        let requests = Mutex<[RecordedRequest]>([])
        let receivedBytes = Atomic<Int>(0)
        let connections = Atomic<Int>(0)
    }

    let server: TCPTestServer
    private let record = Record()

    var port: UInt16 { server.port }
    /// Requests received so far, in arrival order.
    var requests: [RecordedRequest] { record.requests.withLock { $0 } }
    /// Bytes received so far, over all connections.
    var receivedBytes: Int { record.receivedBytes.load(ordering: .relaxed) }
    var acceptedConnections: Int { server.acceptedCount }

    /// - Parameters:
    ///   - sendsContinue: answer `Expect: 100-continue` with `100 Continue` before reading the body.
    ///   - answersBeforeBody: answer right after the head, without reading the body (an early
    ///     response, such as a 413).
    ///   - handler: called with each request (on the connection's thread).
    init(
        sendsContinue: Bool = true, answersBeforeBody: Bool = false,
        handler: @escaping @Sendable (RecordedRequest) -> BackendReply = { _ in .ok }
    ) throws {
        let record = record
        server = try TCPTestServer(name: "backend", ioTimeout: .seconds(60)) { connection in
            let index = record.connections.add(1, ordering: .relaxed).oldValue
            let stream = ByteStream {
                let chunk = try connection.read()
                record.receivedBytes.add(chunk.count, ordering: .relaxed)
                return chunk
            }
            var sequence = 0
            while let head = try stream.readHead() {
                var request = RecordedRequest(
                    connection: index, sequence: sequence, requestLine: head.startLine, fields: head.fields, body: [],
                    wasChunked: false)
                sequence += 1
                if request.fields.value("expect")?.lowercased() == "100-continue" && sendsContinue {
                    try connection.write("HTTP/1.1 100 Continue\r\n\r\n")
                }
                if answersBeforeBody {
                    // The body stays unread.
                } else if request.fields.value("transfer-encoding")?.lowercased() == "chunked" {
                    request.wasChunked = true
                    request.body = try stream.readChunkedBody()
                } else if let length = request.fields.value("content-length").flatMap({ Int($0) }) {
                    request.body = try stream.read(exactly: length)
                }
                record.requests.withLock { $0.append(request) }
                switch handler(request) {
                case .respond(let status, let headers, let body, let chunked, let close):
                    try connection.write(
                        Self.response(
                            status: status, headers: headers, body: body, chunked: chunked, close: close,
                            bodiless: request.method == "HEAD"))
                    if close { return }
                case .raw(let bytes, let close):
                    try connection.write(bytes)
                    if close { return }
                case .silence:
                    _ = try? stream.readToEnd()
                    return
                case .close:
                    return
                case .switchProtocols(let headers):
                    try connection.write(
                        (["HTTP/1.1 101 Switching Protocols"] + headers).joined(separator: "\r\n") + "\r\n\r\n")
                    // Bytes that arrived behind the request are the first tunnel bytes.
                    if stream.available > 0 { try connection.write(try stream.read(exactly: stream.available)) }
                    while try stream.fill() { try connection.write(try stream.read(exactly: stream.available)) }
                    return
                }
            }
        }
    }

    func stop() { server.stop() }

    /// A response's bytes; bodiless statuses (and HEAD) get the head alone.
    static func response(
        status: Int, reason: String = "Test", headers: [String] = [], body: [UInt8] = [], chunked: Bool = false,
        close: Bool = false, bodiless: Bool = false
    ) -> [UInt8] {
        var lines = ["HTTP/1.1 \(status) \(reason)"] + headers
        let noBody = bodiless || status < 200 || status == 204 || status == 304
        if chunked {
            lines.append("Transfer-Encoding: chunked")
        } else if status != 204 && status >= 200
            && !headers.contains(where: { $0.lowercased().hasPrefix("content-length:") })
        {
            lines.append("Content-Length: \(body.count)")
        }
        if close { lines.append("Connection: close") }
        var bytes = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        guard !noBody else { return bytes }
        if chunked {
            // Several chunks of different sizes, the way a streaming server sends them.
            var offset = 0
            var size = 1
            while offset < body.count {
                let count = min(size, body.count - offset)
                bytes +=
                    Array(String(count, radix: 16).utf8) + [0x0D, 0x0A] + body[offset..<offset + count] + [0x0D, 0x0A]
                offset += count
                size = min(size * 4, 256 * 1024)
            }
            bytes += Array("0\r\n\r\n".utf8)
        } else {
            bytes += body
        }
        return bytes
    }
}

extension BackendReply {
    /// `200` with a short body naming the request.
    static let ok = BackendReply.respond(status: 200, body: Array("ok\n".utf8))
}
