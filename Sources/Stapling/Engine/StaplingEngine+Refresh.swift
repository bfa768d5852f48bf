import Glibc
import Logging
import TLS

extension StaplingEngine {
    /// The first staple of a newly activated certificate: static file, else cache, else a fetch.
    func initialStaple(_ identity: String) async {
        guard let target = states[identity]?.target else { return }
        switch target.applicability {
        case .notApplicable:
            logger.info(
                "stapling not applicable: the certificate has no OCSP URL", metadata: metadata(target))
            return
        case .disabled:
            logger.info("stapling disabled for this certificate", metadata: metadata(target))
            return
        case .missingIssuer:
            logger.error("stapling impossible: \(target.missingIssuerMessage)", metadata: metadata(target))
            return
        case .staticFile:
            loadStaticFile(identity)
            return
        case .fetched:
            break
        }
        if loadFromCache(identity) {
            // A valid cached staple settles start-up at once; one past its refresh point is
            // refreshed right away, in the background, while it keeps being served.
            if let plan = states[identity]?.plan, plan.isOverdue {
                states[identity]?.plan = RefreshPlan(at: Self.now(), reason: plan.reason, isOverdue: true)
            }
            scheduleRefresh(identity)
            return
        }
        await fetchRound(identity)
    }

    /// `staple_file`: verified like any response; served until it expires, never fetched.
    func loadStaticFile(_ identity: String) {
        guard let state = states[identity], let path = state.target.stapleFile else { return }
        let der: [UInt8]
        do {
            der = try CacheFiles.read(path, limit: 1 << 20)
        } catch {
            let reason: String
            switch error {
            case .missing: reason = "no such file"
            case .tooLarge: reason = "larger than 1 MiB"
            case .failed(let message): reason = message
            }
            logger.error(
                "cannot read staple_file", metadata: metadata(state.target, ["file": "\(path)", "reason": "\(reason)"]))
            states[identity]?.lastResult = "unreadable staple_file: \(reason)"
            return
        }
        switch verify(der, for: state) {
        case .success(let response):
            accept(response, for: identity, source: path)
        case .failure(let failure):
            states[identity]?.lastResult = "\(failure.name): \(failure)"
            logger.error(
                "staple_file rejected",
                metadata: metadata(
                    state.target, ["file": "\(path)", "check": "\(failure.name)", "reason": "\(failure)"]))
        }
    }

    /// Loads and re-verifies the cached staple; true when one was accepted.
    func loadFromCache(_ identity: String) -> Bool {
        guard let cache, let state = states[identity], let certID = state.certID else { return false }
        switch cache.load(certID: certID) {
        case .failure(.missing):
            return false
        case .failure(let problem):
            logger.warning(
                "ignoring cached staple",
                metadata: metadata(state.target, ["check": "\(problem.name)", "reason": "\(problem)"]))
            return false
        case .success(let cached):
            switch verify(cached.der, for: state) {
            case .success(let response):
                accept(response, for: identity, source: cached.path)
                planRefresh(identity, httpFreshUntil: nil)
                return true
            case .failure(let failure):
                logger.warning(
                    "ignoring cached staple",
                    metadata: metadata(
                        state.target, ["file": "\(cached.path)", "check": "\(failure.name)", "reason": "\(failure)"]))
                return false
            }
        }
    }

    func verify(_ der: [UInt8], for state: CertificateStaplingState) -> Result<
        VerifiedOCSPResponse, OCSPVerificationFailure
    > {
        guard let issuer = state.target.certificate.issuer else { return .failure(.internalError("no issuer")) }
        return OCSPResponseVerifier.verify(
            der: der, leaf: state.target.certificate.leaf, issuer: issuer, now: Self.now(),
            settings: settings.verification)
    }

    /// Publishes a verified response as the served staple.
    func accept(_ response: VerifiedOCSPResponse, for identity: String, source: String) {
        guard let state = states[identity] else { return }
        states[identity]?.current = response
        state.slot.publish(
            Staple(
                der: response.der, thisUpdate: response.thisUpdate, validUntil: response.validUntil,
                isRevoked: response.certStatus.isRevoked))
        if response.certStatus.isRevoked {
            logger.critical(
                "certificate is REVOKED according to its OCSP responder; the revoked status is stapled",
                metadata: metadata(state.target, ["status": "\(response.certStatus)", "source": "\(source)"]))
        }
    }

    /// One refresh: every URL in order until one gives a verified, not older response.
    func fetchRound(_ identity: String) async {
        guard let state = states[identity], let request = state.request, !state.inFlight else { return }
        // The scheduled task may be the caller: it is replaced by scheduleRefresh at the end, not
        // cancelled here (cancelling it would cancel this very fetch).
        states[identity]?.inFlight = true
        let urls = state.target.urls
        for (index, url) in urls.enumerated() {
            let started = ContinuousClock.now
            let result = await fetcher.fetch(url: url, request: request, settings: settings.transport)
            let latency = Self.milliseconds(ContinuousClock.now - started)
            guard let current = states[identity] else { return }  // Removed by a reload meanwhile.
            let now = Self.now()
            states[identity]?.lastAttemptAt = now
            states[identity]?.lastLatencyMilliseconds = latency
            let isLast = index == urls.count - 1
            var fields: Logger.Metadata = ["url": "\(url)", "latency_ms": "\(latency)"]
            switch result {
            case .failure(let error):
                fields["check"] = "transport"
                fields["reason"] = "\(error.reason)"
                if let method = error.method { fields["method"] = "\(method.rawValue)" }
                if case .httpStatus(let code) = error.reason { fields["http_status"] = "\(code)" }
                if !error.attempts.isEmpty {
                    fields["addresses"] = "\(error.addressesAttempted.joined(separator: ","))"
                }
                failedAttempt(identity, fields: fields, isLast: isLast, counter: "transport")
            case .success(let response):
                fields["http_status"] = "\(response.statusCode)"
                fields["method"] = "\(response.method.rawValue)"
                switch verify(response.body, for: current) {
                case .failure(let failure):
                    fields["check"] = "\(failure.name)"
                    fields["reason"] = "\(failure)"
                    failedAttempt(identity, fields: fields, isLast: isLast, counter: failure.name)
                case .success(let verified) where !verified.mayReplace(current.current):
                    fields["check"] = "rollback"
                    fields["reason"] =
                        "thisUpdate \(UTCTime.format(verified.thisUpdate)) is older than the current staple's \(UTCTime.format(current.current?.thisUpdate ?? 0))"
                    failedAttempt(identity, fields: fields, isLast: isLast, counter: "rollback")
                case .success(let verified):
                    accept(verified, for: identity, source: url)
                    let freshUntil = response.maxAge.map { now + Int64($0) }
                    planRefresh(identity, httpFreshUntil: freshUntil)
                    states[identity]?.consecutiveFailures = 0
                    states[identity]?.previousDelay = nil
                    states[identity]?.lastResult = "ok"
                    states[identity]?.fetchCounts["ok", default: 0] += 1
                    fields["result"] = "ok"
                    fields["cert_status"] = "\(verified.certStatus)"
                    fields["this_update"] = "\(UTCTime.format(verified.thisUpdate))"
                    fields["next_update"] = "\(verified.nextUpdate.map { UTCTime.format($0) } ?? "none")"
                    fields["next_refresh"] = "\(states[identity]?.plan?.description ?? "-")"
                    if let maxAge = response.maxAge { fields["max_age"] = "\(maxAge)" }
                    // The staple is served from here on; the cache write and then this line follow
                    // off the actor, so nothing waiting for the staple (start-up) waits for fsync.
                    persist(
                        verified, for: identity, url: url, fetchedAt: now,
                        thenLog: metadata(current.target, fields))
                    states[identity]?.inFlight = false
                    scheduleRefresh(identity)
                    return
                }
            }
        }
        states[identity]?.inFlight = false
        scheduleRefresh(identity)
    }

    /// Records a failed attempt; after the last URL of a round, schedules the backoff retry.
    private func failedAttempt(_ identity: String, fields: Logger.Metadata, isLast: Bool, counter: String) {
        guard let state = states[identity] else { return }
        var fields = fields
        fields["result"] = "failed"
        states[identity]?.fetchCounts[counter, default: 0] += 1
        states[identity]?.lastResult = "\(fields["check"] ?? "failed"): \(fields["reason"] ?? "")"
        let now = Self.now()
        let hasValidStaple = state.current?.isValid(at: now) ?? false
        if isLast {
            let failures = state.consecutiveFailures + 1
            let plan = RefreshSchedule(settings: settings.refresh).retry(
                afterFailures: failures, previousDelay: state.previousDelay,
                current: state.current.map { StapleValidity($0) }, now: now, using: &random)
            states[identity]?.consecutiveFailures = failures
            states[identity]?.previousDelay = plan.at - now
            states[identity]?.plan = plan
            fields["next_refresh"] = "\(plan)"
            fields["staple"] =
                hasValidStaple ? "kept (valid until \(UTCTime.format(state.current?.validUntil ?? 0)))" : "none"
        } else {
            fields["next_refresh"] = "next URL"
        }
        if state.target.certificate.leaf.mustStaple && !hasValidStaple {
            logger.error(
                "OCSP fetch failed; Must-Staple certificate has no valid staple",
                metadata: metadata(state.target, fields))
        } else {
            logger.warning("OCSP fetch failed", metadata: metadata(state.target, fields))
        }
    }

    func planRefresh(_ identity: String, httpFreshUntil: Int64?) {
        guard let current = states[identity]?.current else { return }
        states[identity]?.plan = RefreshSchedule(settings: settings.refresh).nextRefresh(
            for: StapleValidity(current), httpFreshUntil: httpFreshUntil, now: Self.now(), using: &random)
    }

    /// Starts the timer task for the current plan (replacing any previous one).
    func scheduleRefresh(_ identity: String) {
        guard let plan = states[identity]?.plan else { return }
        states[identity]?.task?.cancel()
        let delay = max(0, plan.at - Self.now())
        states[identity]?.task = Task { [weak self] in
            do {
                try await Task.sleep(for: .seconds(delay))
            } catch {
                return  // Cancelled: replaced, removed, or shutting down.
            }
            await self?.fetchRound(identity)
        }
    }

    /// Writes a published staple to the cache, then logs the fetch (`fields`). Writes run one
    /// after another on a detached task (two files written, `fsync`ed and renamed, then the
    /// directory `fsync`ed: 1–25 ms depending on the disk), never on the actor; `shutdown` waits
    /// for the last one.
    func persist(
        _ response: VerifiedOCSPResponse, for identity: String, url: String, fetchedAt: Int64,
        thenLog fields: Logger.Metadata
    ) {
        guard let state = states[identity] else { return }
        let logger = self.logger
        guard let cache else {
            logger.info("OCSP fetch", metadata: fields)
            return
        }
        let metadata = StapleMetadata(
            response: response, subject: state.target.certificate.leaf.subject, url: url, fetchedAt: fetchedAt,
            httpStatus: 200)
        let failure = self.metadata(state.target)
        let previous = cacheWrite
        cacheWrite = Task.detached {
            await previous?.value
            do {
                try cache.store(response, metadata: metadata)
            } catch {
                logger.error(
                    "cannot write the OCSP cache", metadata: failure.merging(["reason": "\(error)"]) { $1 })
            }
            logger.info("OCSP fetch", metadata: fields)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        return Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000)
    }
}
