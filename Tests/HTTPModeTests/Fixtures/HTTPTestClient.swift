import Foundation
import TestSupport

/// A response as a client read it.
struct ClientResponse {
    var statusLine: String
    var fields: HeaderLines
    var body: [UInt8]

    var status: Int { Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// An HTTP/1.1 client over a `TLSTestClient`: sends exact bytes, reads responses (framing as
/// RFC 9112 says for the request method), and tells how the connection ended.
final class HTTPTestClient {
    let tls: TLSTestClient
    let stream: ByteStream

    init(_ tls: TLSTestClient) {
        self.tls = tls
        stream = ByteStream { try tls.read() }
    }

    var negotiatedALPN: String? { tls.handshake.alpn }

    func send(_ text: String) throws { try tls.write(text) }
    func send(_ bytes: [UInt8]) throws { try tls.write(bytes) }

    /// A GET with `Host: a.test` and `extra` fields.
    func get(_ target: String, _ extra: [String] = []) throws -> ClientResponse {
        try send((["GET \(target) HTTP/1.1", "Host: a.test"] + extra).joined(separator: "\r\n") + "\r\n\r\n")
        return try readResponse()
    }

    /// The next response (an interim 1xx included); `method` decides whether it has a body.
    func readResponse(method: String = "GET") throws -> ClientResponse {
        guard let head = try stream.readHead() else {
            throw TestSupportError(.protocolViolation, "readResponse", "the connection ended before a response")
        }
        var response = ClientResponse(statusLine: head.startLine, fields: head.fields, body: [])
        let status = response.status
        if method == "HEAD" || status < 200 || status == 204 || status == 304 { return response }
        if response.fields.value("transfer-encoding")?.lowercased() == "chunked" {
            response.body = try stream.readChunkedBody()
        } else if let length = response.fields.value("content-length").flatMap({ Int($0) }) {
            response.body = try stream.read(exactly: length)
        } else {
            response.body = try stream.readToEnd()
        }
        return response
    }

    /// Reads until the daemon ends the connection; true when it did (EOF or close_notify) within
    /// the client's timeout, false when it is still open.
    func waitForClose() -> Bool {
        do {
            _ = try stream.readToEnd()
            return true
        } catch let error as TestSupportError where error.code == .timedOut {
            return false
        } catch {
            return true  // A reset also ends it.
        }
    }

    func close() { tls.close() }
}
