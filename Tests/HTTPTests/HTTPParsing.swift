@testable import Proxy

/// A request head parsed the way `HTTPConnection` parses one: scanned as it arrives, the request
/// line checked as soon as it is complete, then the whole head.
struct ParsedRequest: Equatable {
    var head: HTTPRequestHead
    var fields: [HTTPField]
    var bytes: [UInt8]

    var method: String { text(0..<head.methodEnd) }
    var target: String { text(head.targetStart..<head.targetEnd) }

    /// The value of the first field named `name` (case-insensitive).
    func field(_ name: String) -> String? {
        fields.first { text($0.lineStart..<$0.nameEnd).lowercased() == name.lowercased() }.map {
            text($0.valueStart..<$0.valueEnd)
        }
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
}

/// A parsed response head.
struct ParsedResponse {
    var head: HTTPResponseHead
    var fields: [HTTPField]
    var bytes: [UInt8]
}

enum HTTPParsing {
    /// The parsed head, nil while incomplete, or the violation.
    static func request(_ text: String, maxHeader: Int = 16 * 1024, maxHeaders: Int = 100) -> Result<
        ParsedRequest?, HTTPViolation
    > {
        request(Array(text.utf8), maxHeader: maxHeader, maxHeaders: maxHeaders)
    }

    static func request(_ bytes: [UInt8], maxHeader: Int = 16 * 1024, maxHeaders: Int = 100) -> Result<
        ParsedRequest?, HTTPViolation
    > {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = HTTPHeadScanner()
            var parser = HTTPHeadParser()
            do {
                let length = try scanner.scan(buffer, limit: maxHeader)
                guard let lineEnd = scanner.firstLineEnd else { return .success(nil) }
                _ = try HTTPHeadParser.parseRequestLine(buffer, lineEnd: lineEnd)
                guard let length else { return .success(nil) }
                let head = try parser.parseRequest(
                    buffer, length: length, requestLineEnd: lineEnd, maxFields: maxHeaders)
                return .success(ParsedRequest(head: head, fields: parser.fields, bytes: Array(buffer[0..<length])))
            } catch let error as HTTPViolation {
                return .failure(error)
            } catch {
                preconditionFailure("\(error)")
            }
        }
    }

    /// The violation of a request that must be refused, nil if it parses.
    static func violation(_ text: String, maxHeader: Int = 16 * 1024, maxHeaders: Int = 100) -> HTTPViolation? {
        if case .failure(let violation) = request(text, maxHeader: maxHeader, maxHeaders: maxHeaders) {
            return violation
        }
        return nil
    }

    static func response(_ text: String) -> Result<ParsedResponse?, HTTPViolation> {
        let bytes = [UInt8](text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var scanner = HTTPHeadScanner()
            var parser = HTTPHeadParser()
            do {
                guard let length = try scanner.scan(buffer, limit: 64 * 1024), let lineEnd = scanner.firstLineEnd else {
                    return .success(nil)
                }
                let head = try parser.parseResponse(buffer, length: length, statusLineEnd: lineEnd, maxFields: 1000)
                return .success(ParsedResponse(head: head, fields: parser.fields, bytes: Array(buffer[0..<length])))
            } catch let error as HTTPViolation {
                return .failure(error)
            } catch {
                preconditionFailure("\(error)")
            }
        }
    }
}

extension Result {
    /// The success value, or nil.
    var value: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
