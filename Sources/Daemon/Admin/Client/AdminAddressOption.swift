import Config

/// Reads `stapled status --admin ADDR`: `HOST:PORT`, `[IPv6]:PORT`, `/path/to/socket` or
/// `unix:PATH`, the forms `admin ADDR;` takes in the config file. A wildcard host (`*`, `0.0.0.0`,
/// `::`) means "this machine" when connecting.
enum AdminAddressOption {
    static func parse(_ text: String) -> Result<AdminAddress, AdminClientError> {
        if text.hasPrefix("unix:") || text.hasPrefix("/") {
            let path = text.hasPrefix("unix:") ? String(text.dropFirst("unix:".count)) : text
            guard !path.isEmpty else { return .failure(invalid(text, "missing socket path after \"unix:\"")) }
            guard path.utf8.count <= UnixSocketAddress.maximumPathBytes else {
                return .failure(
                    invalid(text, "unix socket paths are limited to \(UnixSocketAddress.maximumPathBytes) bytes"))
            }
            return .success(.unix(path: path))
        }
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(invalid(text, "expected [IPv6]:PORT"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                return .failure(invalid(text, "expected HOST:PORT, [IPv6]:PORT or a unix socket path"))
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { return .failure(invalid(text, "missing host")) }
        guard let port = UInt16(portText), port > 0 else {
            return .failure(invalid(text, "invalid port \"\(portText)\""))
        }
        if host == "*" { host = "0.0.0.0" }
        return .success(.tcp(HostPort(host: String(host), port: port)))
    }

    private static func invalid(_ text: String, _ reason: String) -> AdminClientError {
        AdminClientError(.invalidAddress, "--admin \(text): \(reason)")
    }
}
