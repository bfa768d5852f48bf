/// The small responses stapled itself sends in `mode http`: always with `Connection: close` (the
/// connection ends after them), a plain-text body naming the status, and no body after a HEAD.
public enum HTTPErrorResponse: Int, Sendable, Equatable, CaseIterable {
    case badRequest = 400
    case requestTimeout = 408
    case headerFieldsTooLarge = 431
    case notImplemented = 501
    case badGateway = 502
    case gatewayTimeout = 504
    case versionNotSupported = 505

    public var status: Int { rawValue }

    public var reasonPhrase: String {
        switch self {
        case .badRequest: "Bad Request"
        case .requestTimeout: "Request Timeout"
        case .headerFieldsTooLarge: "Request Header Fields Too Large"
        case .notImplemented: "Not Implemented"
        case .badGateway: "Bad Gateway"
        case .gatewayTimeout: "Gateway Timeout"
        case .versionNotSupported: "HTTP Version Not Supported"
        }
    }

    /// The complete response: head and body, or the head alone (`headOnly`, for HEAD requests).
    public func bytes(headOnly: Bool = false) -> [UInt8] {
        headOnly ? Self.heads[index] : Self.full[index]
    }

    private var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    private static let full: [[UInt8]] = allCases.map { Array(($0.head + $0.body).utf8) }
    private static let heads: [[UInt8]] = allCases.map { Array($0.head.utf8) }

    private var body: String { "\(status) \(reasonPhrase)\n" }

    private var head: String {
        "HTTP/1.1 \(status) \(reasonPhrase)\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
    }
}
