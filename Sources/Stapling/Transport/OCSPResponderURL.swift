import Glibc

/// An `http://` or `https://` URL split into what the transport needs: where to connect, what to
/// put in `Host` and the request target, and whether TLS is used.
struct OCSPResponderURL: Equatable {
    enum Scheme: String {
        case http
        case https

        var defaultPort: Int { self == .http ? 80 : 443 }
    }

    var scheme: Scheme
    /// The host name or IP address, without IPv6 brackets, lowercased.
    var host: String
    var port: Int
    /// The path and query, starting with `/`.
    var path: String

    /// The host as it appears in a URL or a `Host` header (IPv6 addresses in brackets).
    var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }

    /// `host[:port]` for the `Host` header: the port only when it is not the scheme's default.
    var hostHeader: String { port == scheme.defaultPort ? bracketedHost : "\(bracketedHost):\(port)" }

    /// `host:port`, always with the port (the `CONNECT` request target).
    var authorityWithPort: String { "\(bracketedHost):\(port)" }

    /// `scheme://host[:port]` without the path.
    var origin: String { "\(scheme.rawValue)://\(hostHeader)" }

    /// Whether `host` is an IPv4 or IPv6 literal (no SNI is sent for those, RFC 6066 §3).
    var hostIsIPAddress: Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, host, &buffer) == 1 || inet_pton(AF_INET6, host, &buffer) == 1
    }

    /// Parses `scheme://host[:port][/path]`. User information and schemes other than http and
    /// https are rejected; a fragment is dropped.
    init(parsing text: String) throws(OCSPTransportError.Reason) {
        let lowered = text.lowercased()
        let rest: Substring
        if lowered.hasPrefix("http://") {
            scheme = .http
            rest = text.dropFirst("http://".count)
        } else if lowered.hasPrefix("https://") {
            scheme = .https
            rest = text.dropFirst("https://".count)
        } else {
            throw .invalidURL("\"\(text)\" is not an http:// or https:// URL")
        }

        let withoutFragment = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let authorityEnd = withoutFragment.firstIndex { $0 == "/" || $0 == "?" } ?? withoutFragment.endIndex
        let authority = withoutFragment[..<authorityEnd]
        let pathPart = withoutFragment[authorityEnd...]
        path = pathPart.isEmpty ? "/" : (pathPart.first == "?" ? "/" + pathPart : String(pathPart))

        if authority.contains("@") {
            throw .invalidURL("\"\(text)\" contains user information, which is not supported")
        }
        var hostPart: Substring
        var portPart: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidURL("\"\(text)\" has an unterminated IPv6 address")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let afterBracket = authority[authority.index(after: close)...]
            if !afterBracket.isEmpty {
                guard afterBracket.first == ":" else {
                    throw .invalidURL("\"\(text)\" has junk after the IPv6 address")
                }
                portPart = afterBracket.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw .invalidURL("\"\(text)\" has no host") }
        host = hostPart.lowercased()

        if let portPart {
            guard let port = Int(portPart), (1...65535).contains(port) else {
                throw .invalidURL("\"\(text)\" has an invalid port \"\(portPart)\"")
            }
            self.port = port
        } else {
            port = scheme.defaultPort
        }
    }

    /// Parses a proxy given as `http://host:port` (a trailing `/` is allowed, nothing else).
    static func proxy(parsing text: String) throws(OCSPTransportError.Reason) -> OCSPResponderURL {
        let url: OCSPResponderURL
        do {
            url = try OCSPResponderURL(parsing: text)
        } catch {
            throw .invalidURL("proxy \"\(text)\" is not an http://host:port URL")
        }
        guard url.scheme == .http else {
            throw .invalidURL("proxy \"\(text)\": only http:// proxies are supported")
        }
        guard url.path == "/" else {
            throw .invalidURL("proxy \"\(text)\" must not have a path")
        }
        return url
    }
}
