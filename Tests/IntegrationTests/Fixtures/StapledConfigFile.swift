import TestSupport

/// The text of a `stapled.conf` for one test: one upstream of loopback servers and one frontend
/// named `web` on `127.0.0.1:0`, the stapling cache inside the test's directory.
struct StapledConfigFile {
    /// The frontend's name; the `listening` log line for it gives the port.
    static let frontendName = "web"

    var workers = 2
    /// Ports of the upstream's servers on 127.0.0.1, tried in this order.
    var upstreamPorts: [UInt16]
    /// (chain, key) paths; the first is the default certificate.
    var certificates: [(chain: String, key: String)]
    /// Extra directives inside the frontend block, e.g. `handshake_timeout 1s;`.
    var frontendDirectives: [String] = []

    init(upstreamPorts: [UInt16], leaves: [TestLeaf]) {
        self.upstreamPorts = upstreamPorts
        certificates = leaves.map { ($0.chainPath, $0.keyPath) }
    }

    /// The config text, with the stapling cache in `cacheDirectory`.
    func text(cacheDirectory: String) -> String {
        var lines = [
            "workers \(workers);",
            "stapling {",
            "    cache_dir \(StapledConfigText.quoted(cacheDirectory));",
            "}",
            "upstream app {",
        ]
        lines += upstreamPorts.map { "    server 127.0.0.1:\($0);" }
        lines += ["}", "frontend \(Self.frontendName) {", "    listen 127.0.0.1:0;", "    upstream app;"]
        lines += certificates.map {
            "    certificate \(StapledConfigText.quoted($0.chain)) \(StapledConfigText.quoted($0.key));"
        }
        lines += frontendDirectives.map { "    " + $0 }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

}
