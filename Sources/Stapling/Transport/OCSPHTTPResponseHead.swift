/// The status line and headers of an HTTP/1.x response, with the few header meanings the OCSP
/// transport needs. Header names compare case-insensitively.
struct OCSPHTTPResponseHead {
    /// How the body of a response is delimited (RFC 9112 §6.3).
    enum BodyFraming: Equatable {
        case none
        case contentLength(Int)
        case chunked
        case untilClose
    }

    var statusCode: Int
    /// Header fields in the order received; names lowercased.
    var fields: [(name: String, value: String)]

    /// Every value of the header `name` (lowercase), in order.
    func values(of name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    var contentType: String? { values(of: "content-type").first }

    /// Whether the media type (parameters ignored) is `application/ocsp-response`.
    var hasOCSPContentType: Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return Self.trimmed(mediaType).lowercased() == "application/ocsp-response"
    }

    /// `max-age` from `Cache-Control` (all fields, comma-separated directives), or `nil` if absent
    /// or not a non-negative integer.
    var maxAge: Int? {
        for value in values(of: "cache-control") {
            for directive in value.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, Self.trimmed(parts[0]).lowercased() == "max-age" else { continue }
                var argument = Self.trimmed(parts[1])
                if argument.count >= 2 && argument.hasPrefix("\"") && argument.hasSuffix("\"") {
                    argument = String(argument.dropFirst().dropLast())
                }
                guard !argument.isEmpty, argument.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
                return Int(argument) ?? Int.max
            }
        }
        return nil
    }

    /// How the body is delimited; throws on conflicting or invalid `Content-Length` values.
    func bodyFraming() throws(OCSPTransportError.Reason) -> BodyFraming {
        if (100..<200).contains(statusCode) || statusCode == 204 || statusCode == 304 { return .none }
        let transferCodings = values(of: "transfer-encoding")
            .flatMap { $0.split(separator: ",") }
            .map { Self.trimmed($0).lowercased() }
        if let last = transferCodings.last {
            return last == "chunked" ? .chunked : .untilClose
        }
        let lengths = values(of: "content-length").flatMap { $0.split(separator: ",") }.map { Self.trimmed($0) }
        guard let first = lengths.first else { return .untilClose }
        guard lengths.allSatisfy({ $0 == first }), !first.isEmpty,
            first.utf8.allSatisfy({ (48...57).contains($0) })
        else {
            throw .malformedResponse("invalid Content-Length \(lengths.joined(separator: ", "))")
        }
        return .contentLength(Int(first) ?? Int.max)
    }

    /// Parses the status line and header lines (line terminators already removed).
    init(lines: [[UInt8]]) throws(OCSPTransportError.Reason) {
        guard let statusLine = lines.first else { throw .malformedResponse("empty response head") }
        // "HTTP/1.x SSS[ reason]"
        let text = String(decoding: statusLine, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[0].count == 8,
            parts[1].count == 3, parts[1].utf8.allSatisfy({ (48...57).contains($0) }), let code = Int(parts[1])
        else {
            throw .malformedResponse("invalid status line \"\(Self.printable(statusLine))\"")
        }
        statusCode = code

        fields = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                line[..<colon].allSatisfy(Self.isTokenCharacter)
            else {
                throw .malformedResponse("invalid header line \"\(Self.printable(line))\"")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = Self.trimmed(Substring(String(decoding: line[(colon + 1)...], as: UTF8.self)))
            fields.append((name, value))
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// At most 80 bytes of `bytes` with control and non-ASCII bytes shown as `?`, for error messages.
    static func printable(_ bytes: some Collection<UInt8>) -> String {
        let shown = bytes.prefix(80).map { (32..<127).contains($0) ? $0 : UInt8(ascii: "?") }
        return String(decoding: shown, as: UTF8.self) + (bytes.count > 80 ? "…" : "")
    }
}
