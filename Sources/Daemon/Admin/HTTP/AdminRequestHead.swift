/// The request line and the few headers the admin endpoint acts on, parsed from a complete head
/// (everything before the blank line). Strict where ambiguity could matter (one Content-Length, no
/// chunked bodies, no whitespace before a colon, a Host header on HTTP/1.1), as RFC 9112 asks.
struct AdminRequestHead: Equatable {
    var method: String
    /// The path, without the query string.
    var path: String
    var contentLength = 0

    /// The index just past the `\r\n\r\n` (or `\n\n`) ending the head in `bytes`; nil while incomplete.
    /// `start` skips bytes already searched (a terminator can begin at most 3 bytes before the end
    /// of what was searched).
    static func endOfHead(in bytes: [UInt8], from start: Int = 0) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == 0x0A {
                if index + 1 < bytes.count && bytes[index + 1] == 0x0A { return index + 2 }
                if index + 2 < bytes.count && bytes[index + 1] == 0x0D && bytes[index + 2] == 0x0A { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    /// Parses the head (request line, header lines; the final empty line optional).
    static func parse(_ head: ArraySlice<UInt8>) -> Result<AdminRequestHead, AdminResponse> {
        var lines = head.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first, let text = String(validating: requestLine, as: UTF8.self) else {
            return .failure(.badRequest("the request line is not UTF-8"))
        }
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].utf8.allSatisfy(isTokenByte) else {
            return .failure(.badRequest("malformed request line"))
        }
        guard parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
            if parts[2].hasPrefix("HTTP/") {
                return .failure(AdminResponse.text(505, "only HTTP/1.1 and HTTP/1.0 are served"))
            }
            return .failure(.badRequest("malformed request line"))
        }
        let target = parts[1]
        guard target.hasPrefix("/"), target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(.badRequest("the request target must be a path"))
        }
        var request = AdminRequestHead(
            method: String(parts[0]), path: String(target.prefix { $0 != "?" && $0 != "#" }))
        var sawHost = false
        var sawLength = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(.badRequest("header line without a colon"))
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
                return .failure(.badRequest("malformed header name"))
            }
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces
            switch String(decoding: name, as: UTF8.self).lowercased() {
            case "host":
                guard !sawHost else { return .failure(.badRequest("more than one Host header")) }
                sawHost = true
            case "content-length":
                guard !sawLength, !value.isEmpty, value.utf8.count <= 18, value.utf8.allSatisfy(isDigit),
                    let length = Int(value)
                else { return .failure(.badRequest("invalid Content-Length")) }
                sawLength = true
                request.contentLength = length
            case "transfer-encoding":
                return .failure(AdminResponse.text(501, "request bodies with Transfer-Encoding are not supported"))
            default:
                break
            }
        }
        if parts[2] == "HTTP/1.1" && !sawHost { return .failure(.badRequest("HTTP/1.1 requests need a Host header")) }
        return .success(request)
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

extension String {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
