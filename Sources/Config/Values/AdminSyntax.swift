/// `admin` addresses: `HOST:PORT` for TCP (an IP literal or `*`), or a unix socket written as an
/// absolute path (`/run/stapled/admin.sock`) or `unix:PATH` (relative paths allowed).
enum AdminSyntax {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maximumSocketPathBytes = 107

    static func parse(_ text: String, paths: PathResolver) throws(ValueError) -> AdminAddress {
        if text.hasPrefix("unix:") || text.hasPrefix("/") {
            let path = text.hasPrefix("unix:") ? String(text.dropFirst("unix:".count)) : text
            guard !path.isEmpty else { throw ValueError("missing socket path after \"unix:\"") }
            let absolute = paths.resolve(path)
            guard absolute.utf8.count <= maximumSocketPathBytes else {
                throw ValueError(
                    "the socket path \(absolute) is \(absolute.utf8.count) bytes; unix sockets allow "
                        + "\(maximumSocketPathBytes)")
            }
            return .unix(path: absolute)
        }
        return .tcp(try AddressSyntax.hostPort(text, hosts: .ipLiteralOrWildcard, ports: 0...65535))
    }
}
