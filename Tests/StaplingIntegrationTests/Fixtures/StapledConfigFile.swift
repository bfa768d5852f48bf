import TestSupport

/// A stapled config for one test: one upstream, frontends listening on `127.0.0.1:0`, and a
/// `stapling { }` block that always sets `cache_dir` (never the system default).
struct StapledConfigFile {
    struct Certificate {
        var chainPath: String
        var keyPath: String
        /// Lines of a `certificate … { }` block (e.g. `stapling off;`); nil: no block.
        var block: [String]?

        init(chainPath: String, keyPath: String, block: [String]? = nil) {
            self.chainPath = chainPath
            self.keyPath = keyPath
            self.block = block
        }

        init(_ leaf: TestLeaf, block: [String]? = nil) {
            self.init(chainPath: leaf.chainPath, keyPath: leaf.keyPath, block: block)
        }
    }

    struct Frontend {
        var name: String
        var certificates: [Certificate]
        /// Further directives of the frontend block (e.g. `protocols TLSv1.3;`).
        var extra: [String] = []
    }

    var upstreamPort: UInt16
    var cacheDirectory: String
    var frontends: [Frontend]
    /// Further directives of the `stapling { }` block.
    var stapling: [String] = []
    var workers = 2

    init(upstreamPort: UInt16, cacheDirectory: String, certificates: [Certificate], stapling: [String] = []) {
        self.upstreamPort = upstreamPort
        self.cacheDirectory = cacheDirectory
        self.frontends = [Frontend(name: "web", certificates: certificates)]
        self.stapling = stapling
    }

    var text: String {
        var lines = [
            "workers \(workers);",
            "log_level info;",
            "shutdown_timeout 1s;",
            "stapling {",
            "    cache_dir \(StapledConfigText.quoted(cacheDirectory));",
        ]
        lines += stapling.map { "    \($0)" }
        lines += ["}", "upstream app {", "    server 127.0.0.1:\(upstreamPort);", "}"]
        for frontend in frontends {
            lines += ["frontend \(frontend.name) {", "    listen 127.0.0.1:0;", "    upstream app;"]
            for certificate in frontend.certificates {
                let head =
                    "    certificate \(StapledConfigText.quoted(certificate.chainPath)) \(StapledConfigText.quoted(certificate.keyPath))"
                if let block = certificate.block {
                    lines += [head + " {"] + block.map { "        \($0)" } + ["    }"]
                } else {
                    lines.append(head + ";")
                }
            }
            lines += frontend.extra.map { "    \($0)" }
            lines.append("}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

}
