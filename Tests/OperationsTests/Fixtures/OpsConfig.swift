import TestSupport

/// A stapled config for one test: one upstream, frontends on `127.0.0.1:0` (or a given address),
/// and a `stapling { }` block that always sets `cache_dir` (never the system default).
struct OpsConfig {
    struct Frontend {
        var name: String
        var listen = "127.0.0.1:0"
        /// Chain file and key file of each certificate.
        var certificates: [(chain: String, key: String)]
    }

    var upstreamPort: UInt16
    var cacheDirectory: String
    var frontends: [Frontend]
    var workers = 2
    var shutdownTimeout = "5s"
    /// Top-level directives added before the blocks (e.g. `user nobody;`).
    var topLevel: [String] = []
    /// Further directives of the `stapling { }` block.
    var stapling: [String] = []

    init(upstreamPort: UInt16, cacheDirectory: String, chain: String, key: String) {
        self.upstreamPort = upstreamPort
        self.cacheDirectory = cacheDirectory
        frontends = [Frontend(name: "web", certificates: [(chain, key)])]
    }

    var text: String {
        var lines = [
            "workers \(workers);",
            "log_level info;",
            "shutdown_timeout \(shutdownTimeout);",
        ]
        lines += topLevel
        lines += ["stapling {", "    cache_dir \(StapledConfigText.quoted(cacheDirectory));"]
        lines += stapling.map { "    \($0)" }
        lines += ["}", "upstream app {", "    server 127.0.0.1:\(upstreamPort);", "}"]
        for frontend in frontends {
            lines += ["frontend \(frontend.name) {", "    listen \(frontend.listen);", "    upstream app;"]
            for certificate in frontend.certificates {
                lines.append(
                    "    certificate \(StapledConfigText.quoted(certificate.chain)) \(StapledConfigText.quoted(certificate.key));"
                )
            }
            lines.append("}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

}
