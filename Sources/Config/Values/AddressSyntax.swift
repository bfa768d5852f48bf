/// `HOST:PORT` addresses: listen addresses (IP literals, `*`), upstream servers (also DNS names)
/// and the admin endpoint. IPv6 literals are written in brackets: `[::1]:9199`.
enum AddressSyntax {
    /// Which hosts an address may name.
    enum HostRule {
        /// An IPv4 or bracketed IPv6 literal, or `*` for `0.0.0.0`: addresses to bind.
        case ipLiteralOrWildcard
        /// An IP literal or a DNS name resolved later: addresses to connect to.
        case ipLiteralOrName
    }

    static func hostPort(_ text: String, hosts: HostRule, ports: ClosedRange<Int>) throws(ValueError) -> HostPort {
        let hostText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ValueError("missing ']' after the IPv6 address")
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw ValueError("missing port after the IPv6 address; expected [ADDRESS]:PORT such as [::1]:443")
            }
            portText = rest.dropFirst()
            _ = try IPAddress.parseIPv6(String(hostText))
        } else {
            let colons = text.count { $0 == ":" }
            guard colons > 0 else { throw ValueError("missing port; expected HOST:PORT such as 127.0.0.1:8080") }
            guard colons == 1, let colon = text.firstIndex(of: ":") else {
                throw ValueError("IPv6 addresses must be written in brackets, such as [::1]:443")
            }
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !hostText.isEmpty else { throw ValueError("missing host before \":\(portText)\"") }
        }
        let port = try self.port(portText, in: ports)
        if text.hasPrefix("[") { return HostPort(host: String(hostText), port: port) }
        return HostPort(host: try host(String(hostText), rule: hosts), port: port)
    }

    private static func port(_ text: Substring, in range: ClosedRange<Int>) throws(ValueError) -> UInt16 {
        guard !text.isEmpty else { throw ValueError("missing port number after ':'") }
        guard text.allSatisfy(\.isASCIIDigit) else { throw ValueError("port \"\(text)\" is not a number") }
        guard text.count <= 5, let value = Int(text), range.contains(value) else {
            throw ValueError("port \(text) is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return UInt16(value)
    }

    /// The host of an unbracketed address: `*`, an IPv4 literal or, where allowed, a DNS name.
    private static func host(_ text: String, rule: HostRule) throws(ValueError) -> String {
        if text == "*" {
            guard rule == .ipLiteralOrWildcard else {
                throw ValueError("\"*\" can only be used to listen; name the host to connect to")
            }
            return "0.0.0.0"
        }
        if text.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
            _ = try IPAddress.parseIPv4(text)
            return text
        }
        guard rule == .ipLiteralOrName else {
            throw ValueError(
                "\"\(text)\" is not an IP address; use an address such as 0.0.0.0, 127.0.0.1 or [::], or * for all")
        }
        try checkDNSName(text)
        return text
    }

    /// A host name as `getaddrinfo` takes it: dot-separated labels of letters, digits, `-` and `_`.
    static func checkDNSName(_ text: String) throws(ValueError) {
        let name = text.hasSuffix(".") ? text.dropLast() : Substring(text)
        guard !name.isEmpty, name.utf8.count <= 253 else { throw ValueError("\"\(text)\" is not a valid host name") }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            let allowed = label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isASCIIDigit || $0 == "-" || $0 == "_") }
            guard !label.isEmpty, label.count <= 63, allowed, !label.hasPrefix("-"), !label.hasSuffix("-") else {
                throw ValueError("\"\(text)\" is not a valid host name")
            }
        }
    }
}
