import Config

/// Reads the admin endpoint's HTTP/1.1 responses: status line, headers, a body of Content-Length
/// bytes, or everything up to the close when there is no length.
enum AdminHTTPResponseParser {
    /// A head has arrived and, when it gives a length, the whole body too.
    static func isComplete(_ bytes: [UInt8]) -> Bool {
        guard let end = AdminRequestHead.endOfHead(in: bytes) else { return false }
        guard let length = contentLength(in: bytes[..<end]) else { return false }
        return bytes.count - end >= length
    }

    static func parse(_ bytes: [UInt8], from address: AdminAddress) throws(AdminClientError) -> AdminHTTPResponse {
        func bad(_ reason: String) -> AdminClientError {
            AdminClientError(.badResponse, "unexpected answer from the admin endpoint at \(address.text): \(reason)")
        }
        guard !bytes.isEmpty else { throw bad("the connection closed without a response") }
        guard let end = AdminRequestHead.endOfHead(in: bytes) else { throw bad("incomplete HTTP response head") }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\n").map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw bad("not an HTTP/1.x response")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw bad("malformed header line") }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append((line[..<colon].lowercased(), String(value)))
        }
        var body = Array(bytes[end...])
        if let length = contentLength(in: bytes[..<end]) {
            guard body.count >= length else { throw bad("the body ended after \(body.count) of \(length) bytes") }
            body = Array(body.prefix(length))
        }
        return AdminHTTPResponse(status: status, headers: headers, body: body)
    }

    private static func contentLength(in head: ArraySlice<UInt8>) -> Int? {
        for line in String(decoding: head, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { continue }
            return Int(parts[1].filter { $0 != " " && $0 != "\t" && $0 != "\r" })
        }
        return nil
    }
}
