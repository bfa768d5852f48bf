/// Why a request or response was refused: each case names the rule it broke and the status a
/// client gets for it. A request with a violation is answered, its connection closed, and nothing
/// of it reaches a backend; a response with one becomes a 502 (or a closed connection).
public enum HTTPViolation: Error, Sendable, Equatable, CustomStringConvertible {
    // The head as a whole.
    case headTooLarge
    case tooManyHeaders
    case bareCR
    case bareLF
    case nul
    case controlCharacter
    // The request line.
    case invalidMethod
    case invalidTarget
    case invalidVersion
    case http09
    case unsupportedVersion
    // Header lines.
    case obsFold
    case whitespaceBeforeColon
    case invalidFieldName
    case missingHost
    case multipleHosts
    case invalidHost
    case invalidConnection
    // Framing.
    case contentLengthWithTransferEncoding
    case invalidContentLength
    case conflictingContentLength
    case unknownTransferCoding
    case chunkedNotFinal
    case invalidTransferEncoding
    case transferEncodingInHTTP10
    case invalidChunkSize
    case invalidChunkExtension
    case invalidChunkData
    case invalidTrailer
    // Responses only.
    case invalidStatusLine
    case unexpectedSwitchingProtocols

    /// The status a client is answered with when its request breaks this rule.
    public var status: HTTPErrorResponse {
        switch self {
        case .headTooLarge, .tooManyHeaders: .headerFieldsTooLarge
        case .unknownTransferCoding: .notImplemented
        case .http09, .unsupportedVersion: .versionNotSupported
        default: .badRequest
        }
    }

    public var description: String {
        switch self {
        case .headTooLarge: "the head is larger than max_request_header"
        case .tooManyHeaders: "more header fields than max_headers"
        case .bareCR: "a CR not followed by LF"
        case .bareLF: "a line ending in LF without CR"
        case .nul: "a NUL byte"
        case .controlCharacter: "a control character"
        case .invalidMethod: "an invalid method"
        case .invalidTarget: "an invalid request target"
        case .invalidVersion: "an invalid HTTP version"
        case .http09: "an HTTP/0.9 request"
        case .unsupportedVersion: "an HTTP version other than 1.x"
        case .obsFold: "a folded header line (obs-fold)"
        case .whitespaceBeforeColon: "whitespace between a field name and its colon"
        case .invalidFieldName: "an invalid field name"
        case .missingHost: "an HTTP/1.1 request without Host"
        case .multipleHosts: "more than one Host"
        case .invalidHost: "an invalid Host value"
        case .invalidConnection: "an invalid Connection value"
        case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding"
        case .invalidContentLength: "an invalid Content-Length"
        case .conflictingContentLength: "differing Content-Length values"
        case .unknownTransferCoding: "a transfer coding other than chunked"
        case .chunkedNotFinal: "a Transfer-Encoding whose final coding is not chunked"
        case .invalidTransferEncoding: "an invalid Transfer-Encoding value"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 message"
        case .invalidChunkSize: "an invalid chunk size"
        case .invalidChunkExtension: "an invalid chunk extension"
        case .invalidChunkData: "chunk data not followed by CRLF"
        case .invalidTrailer: "an invalid trailer section"
        case .invalidStatusLine: "an invalid status line"
        case .unexpectedSwitchingProtocols: "101 Switching Protocols without an Upgrade request"
        }
    }
}
