import Proxy
import Stapling
import TLS

/// The human-readable report of `stapled -t`: per frontend its listeners and upstream, per
/// certificate the facts an operator checks before a deploy.
struct CheckReport {
    let generation: Generation

    var text: String {
        var out = ""
        for frontend in generation.frontends {
            let listens = frontend.config.listens.map { "\($0.value)" }.joined(separator: ", ")
            out += "frontend \(frontend.config.name): listen \(listens); mode \(frontend.config.mode.rawValue); "
            let servers = frontend.runtime.upstream.servers.map { server in
                "\(server)" + (server.weight != 1 ? " weight=\(server.weight)" : "")
                    + (server.isBackup ? " backup" : "")
            }
            out += "upstream \(frontend.runtime.upstreamName) (\(servers.joined(separator: ", ")))\n"
            for (index, target) in frontend.targets.enumerated() {
                let certificate = target.certificate
                let leaf = certificate.leaf
                out += "  certificate \(certificate.chainPath)\(index == 0 ? " (default)" : "")\n"
                out += "    subject:    \(leaf.subject)\n"
                out += "    names:      \(leaf.dnsNames.joined(separator: ", "))\n"
                out += "    key:        \(leaf.keyType) \(leaf.keyBits)\n"
                out += "    serial:     \(leaf.serialHex)\n"
                out += "    not after:  \(UTCTime.format(leaf.notAfter))\n"
                out += "    issuer:     \(certificate.issuer.map { "found (\($0.subject))" } ?? "not found in chain")\n"
                out += "    OCSP URLs:  \(target.urls.isEmpty ? "none" : target.urls.joined(separator: ", "))\n"
                out += "    stapling:   \(target.applicability.rawValue)\n"
                out += "    Must-Staple: \(leaf.mustStaple ? "yes" : "no")\n"
                let cached = CachedStapleReport.describe(
                    target, cacheDirectory: generation.config.stapling.cacheDir,
                    verification: generation.config.stapling.verificationSettings)
                out += "    cached staple: \(cached)\n"
            }
        }
        return out
    }
}
