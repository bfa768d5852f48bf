import Config
import Glibc
import Proxy
import Stapling
import TLS

/// One immutable config generation: the config and everything loaded from it (certificates,
/// TLS contexts, resolved upstreams). A reload builds a new one beside the running one.
public final class Generation: Sendable {
    public struct LoadedFrontend: Sendable {
        public let config: Frontend
        public let runtime: FrontendRuntime
        public let certificates: [ServedCertificate]
        /// The stapling view of each certificate, in config order.
        public let targets: [StaplingTarget]
    }

    public let config: StapledConfig
    public let frontends: [LoadedFrontend]
    /// The upstreams frontends use, one runtime each (frontends naming the same one share it), in
    /// config order: what the health checker checks.
    public let upstreams: [UpstreamRuntime]

    init(config: StapledConfig, frontends: [LoadedFrontend], upstreams: [UpstreamRuntime] = []) {
        self.config = config
        self.frontends = frontends
        self.upstreams = upstreams
    }

    /// Every certificate's stapling view, across frontends (a certificate served by two frontends
    /// appears twice; the engine stapled it once).
    public var targets: [StaplingTarget] { frontends.flatMap(\.targets) }

    /// Loads everything a start needs; the first problem is returned with its config location.
    /// Staple slots come from `registry`, so certificates unchanged since the last generation keep
    /// their staple.
    public static func load(_ config: StapledConfig, registry: StapleSlotRegistry) throws(StartupError) -> Generation {
        var frontends: [LoadedFrontend] = []
        var upstreams: [String: UpstreamRuntime] = [:]
        for frontend in config.frontends {
            var certificates: [ServedCertificate] = []
            var targets: [StaplingTarget] = []
            for spec in frontend.certificates {
                let certificate: ServedCertificate
                do {
                    certificate = try ServedCertificate.load(
                        chainPath: spec.chainPath, keyPath: spec.keyPath, issuerPath: spec.issuerPath)
                } catch {
                    throw StartupError("certificate: \(error)", at: spec.location)
                }
                let target = StaplingTarget(
                    certificate: certificate, enabled: spec.stapling, overrideURL: spec.ocspURL,
                    stapleFile: spec.stapleFile)
                if target.applicability == .missingIssuer {
                    throw StartupError("certificate: \(target.missingIssuerMessage)", at: spec.location)
                }
                certificates.append(certificate)
                targets.append(target)
            }
            let slots = Dictionary(
                zip(
                    certificates.map { ObjectIdentifier($0) },
                    targets.map { target in
                        target.applicability == .fetched || target.applicability == .staticFile
                            ? registry.slot(for: target) : nil
                    }), uniquingKeysWith: { first, _ in first })
            let tls: FrontendTLS
            do {
                tls = try FrontendTLS(certificates: certificates, settings: settings(of: frontend)) { certificate in
                    slots[ObjectIdentifier(certificate)] ?? nil
                }
            } catch {
                throw StartupError("frontend \(frontend.name): \(error)", at: frontend.location)
            }
            guard let upstream = config.upstream(named: frontend.upstream.value) else {
                throw StartupError("unknown upstream \"\(frontend.upstream.value)\"", at: frontend.upstream.location)
            }
            let upstreamRuntime: UpstreamRuntime
            if let shared = upstreams[upstream.name] {
                upstreamRuntime = shared
            } else {
                upstreamRuntime = try runtime(of: upstream)
                upstreams[upstream.name] = upstreamRuntime
            }
            let runtime = FrontendRuntime(
                name: frontend.name, tls: tls, upstream: upstreamRuntime,
                handshakeTimeout: frontend.handshakeTimeout.seconds, connectTimeout: frontend.connectTimeout.seconds,
                idleTimeout: frontend.idleTimeout.seconds, http: frontend.httpSettings)
            frontends.append(
                LoadedFrontend(config: frontend, runtime: runtime, certificates: certificates, targets: targets))
        }
        return Generation(
            config: config, frontends: frontends,
            upstreams: config.upstreams.compactMap { upstreams[$0.name] })
    }

    static func settings(of frontend: Frontend) -> TLSSettings {
        let versions = frontend.protocols.sorted()
        func map(_ version: TLSProtocolVersion?) -> TLSSettings.Version { version == .tls12 ? .tls12 : .tls13 }
        return TLSSettings(
            minVersion: map(versions.first), maxVersion: map(versions.last), ciphers: frontend.ciphers,
            ciphersuites: frontend.ciphersuites, curves: frontend.curves, alpn: frontend.alpn,
            ticketKeyLifetime: frontend.sessionTicketLifetime.seconds)
    }
}

extension Duration {
    /// The duration in (fractional) seconds, for libev timers.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
