import Glibc
import Logging
import TLS

/// Owns every certificate's OCSP state: loads cached and static staples, fetches eagerly,
/// verifies everything, publishes into the certificates' `StapleSlot`s, persists, and schedules
/// refreshes and retries (DESIGN.md, "The stapling rules").
///
/// HTTP runs on the fetch thread pool, never on a worker loop or the cooperative pool; the actor
/// only decides and records.
public actor StaplingEngine {
    let settings: StaplingEngineSettings
    let registry: StapleSlotRegistry
    let fetcher: OCSPFetchThreadPool
    let cache: StapleCache?
    let logger: Logger
    var states: [String: CertificateStaplingState] = [:]
    var random = SystemRandomNumberGenerator()
    /// The last cache write (each waits for the one before: writes land in fetch order).
    var cacheWrite: Task<Void, Never>?

    public init(
        settings: StaplingEngineSettings, registry: StapleSlotRegistry, fetcher: OCSPFetchThreadPool, logger: Logger
    ) {
        self.settings = settings
        self.registry = registry
        self.fetcher = fetcher
        self.logger = logger
        if let directory = settings.cacheDirectory {
            do {
                cache = try StapleCache(directory: directory)
            } catch {
                logger.error("OCSP cache disabled: \(error)")
                cache = nil
            }
        } else {
            cache = nil
        }
    }

    static func now() -> Int64 { Int64(time(nil)) }

    /// Makes `targets` the certificates being stapled. New ones get their staple from the static
    /// file, the cache or a fetch; unchanged ones keep theirs without a fetch; removed ones stop.
    /// Returns once every new certificate's first staple is settled (got one, or its first fetch
    /// round failed). Callers bound the wait themselves.
    public func activate(_ targets: [StaplingTarget]) async {
        var fresh: [String] = []
        var wanted = Set<String>()
        for target in targets where !wanted.contains(target.identity) {
            wanted.insert(target.identity)
            guard states[target.identity] == nil else { continue }
            states[target.identity] = makeState(for: target)
            fresh.append(target.identity)
        }
        for (identity, state) in states where !wanted.contains(identity) {
            state.task?.cancel()
            states[identity] = nil
        }
        registry.retain(only: wanted)
        // Must-Staple certificates first: they cannot be served safely without a staple.
        fresh.sort {
            (states[$0]?.target.certificate.leaf.mustStaple ?? false)
                && !(states[$1]?.target.certificate.leaf.mustStaple ?? false)
        }
        await withTaskGroup(of: Void.self) { group in
            for identity in fresh {
                group.addTask { await self.initialStaple(identity) }
            }
        }
    }

    /// Fetches now for every fetched certificate (the admin endpoint's refresh).
    public func refreshAll() async {
        await withTaskGroup(of: Void.self) { group in
            for (identity, state) in states where state.request != nil {
                group.addTask { await self.fetchRound(identity) }
            }
        }
    }

    /// Stops every scheduled refresh and waits for the cache writes under way.
    public func shutdown() async {
        for state in states.values { state.task?.cancel() }
        fetcher.shutdown()
        await cacheWrite?.value
    }

    /// The live state of every certificate, in no particular order.
    public func statuses() -> [StapleStatus] {
        states.values.map { Self.status(of: $0) }
    }

    private func makeState(for target: StaplingTarget) -> CertificateStaplingState {
        let slot = registry.slot(for: target)
        var certID: OCSPCertID?
        var request: [UInt8]?
        if target.applicability == .fetched || target.applicability == .staticFile,
            let issuer = target.certificate.issuer
        {
            do {
                let id = try OCSPCertID(leaf: target.certificate.leaf, issuer: issuer)
                certID = id
                if target.applicability == .fetched { request = try OCSPRequestBuilder.der(for: id) }
            } catch {
                logger.error("cannot build the OCSP request", metadata: metadata(target, ["reason": "\(error)"]))
            }
        }
        return CertificateStaplingState(target: target, slot: slot, certID: certID, request: request)
    }

    func metadata(_ target: StaplingTarget, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var result: Logger.Metadata = [
            "certificate": "\(target.certificate.leaf.subject)", "serial": "\(target.certificate.leaf.serialHex)",
        ]
        if target.certificate.leaf.mustStaple { result["must_staple"] = "yes" }
        result.merge(extra) { _, new in new }
        return result
    }

    static func status(of state: CertificateStaplingState) -> StapleStatus {
        let leaf = state.target.certificate.leaf
        return StapleStatus(
            subject: leaf.subject, chainPath: state.target.certificate.chainPath, names: leaf.dnsNames,
            keyType: "\(leaf.keyType) \(leaf.keyBits)", serial: leaf.serialHex, certificateNotAfter: leaf.notAfter,
            mustStaple: leaf.mustStaple, applicability: state.target.applicability, urls: state.target.urls,
            certStatus: state.current?.certStatus.description, thisUpdate: state.current?.thisUpdate,
            validUntil: state.current?.validUntil, nextRefresh: state.plan?.at, lastResult: state.lastResult,
            lastAttemptAt: state.lastAttemptAt, consecutiveFailures: state.consecutiveFailures,
            fetchCounts: state.fetchCounts, lastLatencyMilliseconds: state.lastLatencyMilliseconds)
    }
}
