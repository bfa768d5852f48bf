/// The `mode http` directives of a frontend. They are accepted only in a frontend with
/// `mode http;`, where every one of them is optional.
public struct FrontendHTTPSettings: Sendable, Equatable {
    public static let maxRequestHeaderLimit = 1024...(1024 * 1024)
    public static let maxHeadersLimit = 1...10_000

    /// `trusted_proxies CIDR ...;` — peers whose `X-Forwarded-For` (and `Forwarded`) is extended;
    /// from any other peer those fields are replaced.
    public var trustedProxies: [IPNetwork] = []
    /// `forwarded on|off;` — add an RFC 7239 `Forwarded` field.
    public var forwarded = false
    /// `max_request_header SIZE;` — largest request head; larger ones get 431.
    public var maxRequestHeader = 16 * 1024
    /// `max_headers N;` — most header fields in a request; more get 431.
    public var maxHeaders = 100
    /// `upstream_timeout DURATION;` — from a request's last byte sent until the response head (504).
    public var upstreamTimeout: Duration = .seconds(60)
    /// `request_timeout DURATION;` — to receive a complete request head (408).
    public var requestTimeout: Duration = .seconds(30)

    public init() {}
}

/// An IPv4 or IPv6 network, `ADDRESS/PREFIX` (or one address), as written in `trusted_proxies`.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// The network address: 4 or 16 bytes, the bits after the prefix zero.
    public var bytes: [UInt8]
    public var prefixLength: Int
    /// The text as written.
    public var description: String

    public init(bytes: [UInt8], prefixLength: Int, description: String) {
        self.bytes = bytes
        self.prefixLength = prefixLength
        self.description = description
    }
}
