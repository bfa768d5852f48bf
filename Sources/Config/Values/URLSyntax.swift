/// The two URLs of the language: OCSP responder URLs and the HTTP proxy.
enum URLSyntax {
    /// `http://` or `https://` followed by a host (and optional port and path).
    static func ocspURL(_ text: String) throws(ValueError) -> String {
        let lowered = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lowered.hasPrefix($0) }) else {
            throw ValueError("expected a URL starting with http:// or https://")
        }
        let authority = text.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty else { throw ValueError("the URL has no host") }
        guard !text.contains(where: { $0.isWhitespace }) else { throw ValueError("URLs cannot contain spaces") }
        return text
    }

    /// `http://HOST:PORT` with an optional trailing `/`; the host may be a name or an IP literal.
    static func proxy(_ text: String) throws(ValueError) -> String {
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") {
            throw ValueError("only http:// proxy URLs are supported")
        }
        guard lowered.hasPrefix("http://") else { throw ValueError("expected http://HOST:PORT") }
        var rest = text.dropFirst("http://".count)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/"), !rest.contains("@") else {
            throw ValueError("expected http://HOST:PORT with no path or credentials")
        }
        _ = try AddressSyntax.hostPort(String(rest), hosts: .ipLiteralOrName, ports: 1...65535)
        return text
    }
}
