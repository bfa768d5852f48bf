import Stapling

/// The `GET /metrics` document: the workers' summed counters and every certificate's staple state,
/// in the Prometheus text format (see docs/operations.md, "Metrics").
///
/// Per-certificate series carry `certificate` (the subject), `serial` and `chain` (the chain file).
/// A series is left out when it has no value rather than given a sentinel:
/// - `stapled_staple_expiry_seconds` exists once the certificate has a staple; it goes negative
///   when that staple has expired (an expired staple is never served: see `stapled_staple_valid`);
/// - `stapled_staple_valid` and `stapled_ocsp_*` exist only for certificates that take part in
///   stapling (fetched, static file, missing issuer), not for "not applicable" or "disabled" ones;
/// - the last-fetch series exist once a fetch has been attempted.
struct MetricsExposition {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let text: String

    init(totals: CounterTotals, statuses: [StapleStatus], version: String, startedAt: Int64, now: Int64) {
        var writer = ExpositionWriter()
        Self.writeProcess(&writer, version: version, startedAt: startedAt)
        Self.writeTraffic(&writer, totals)
        let certificates = CertificateSeries.distinct(statuses)
        Self.writeCertificates(&writer, certificates, now: now)
        Self.writeFetches(&writer, certificates.filter { $0.status.takesPartInStapling })
        text = writer.text
    }

    private static func writeProcess(_ writer: inout ExpositionWriter, version: String, startedAt: Int64) {
        writer.family("stapled_build_info", .gauge, help: "The running stapled version; always 1.")
        writer.sample("stapled_build_info", labels: [("version", version)], 1)
        writer.family(
            "stapled_start_time_seconds", .gauge, help: "When the daemon started, in seconds since the epoch.")
        writer.sample("stapled_start_time_seconds", startedAt)
    }

    private static func writeTraffic(_ writer: inout ExpositionWriter, _ totals: CounterTotals) {
        writer.family(
            "stapled_handshakes_total", .counter,
            help: "Completed TLS handshakes by stapling outcome, and failed handshakes.")
        writer.sample("stapled_handshakes_total", labels: [("result", "stapled")], totals.handshakesStapled)
        writer.sample(
            "stapled_handshakes_total", labels: [("result", "requested_not_stapled")],
            totals.handshakesRequestedNotStapled)
        writer.sample("stapled_handshakes_total", labels: [("result", "not_requested")], totals.handshakesNotRequested)
        writer.sample("stapled_handshakes_total", labels: [("result", "failed")], totals.handshakeFailures)
        writer.family("stapled_connections_active", .gauge, help: "Client connections open now.")
        writer.sample("stapled_connections_active", totals.connectionsOpen)
        writer.family("stapled_connections_total", .counter, help: "Client connections accepted.")
        writer.sample("stapled_connections_total", totals.connectionsAccepted)
        writer.family("stapled_bytes_total", .counter, help: "Plaintext bytes relayed, by direction.")
        writer.sample("stapled_bytes_total", labels: [("direction", "from_clients")], totals.bytesFromClients)
        writer.sample("stapled_bytes_total", labels: [("direction", "to_clients")], totals.bytesToClients)
        writer.family(
            "stapled_upstream_connect_errors_total", .counter,
            help: "Failed connection attempts to upstream servers.")
        writer.sample("stapled_upstream_connect_errors_total", totals.upstreamConnectErrors)
    }

    private static func writeCertificates(_ writer: inout ExpositionWriter, _ all: [CertificateSeries], now: Int64) {
        writer.family(
            "stapled_certificate_info", .gauge,
            help: "One series per served certificate, with its key, Must-Staple and stapling mode; always 1.")
        for item in all {
            let status = item.status
            let extra = [
                ("key", status.keyType), ("must_staple", status.mustStaple ? "yes" : "no"),
                ("stapling", status.applicability.rawValue),
            ]
            writer.sample("stapled_certificate_info", labels: item.labels + extra, 1)
        }
        writer.family(
            "stapled_certificate_expiry_seconds", .gauge,
            help: "Seconds until the certificate's notAfter; negative once expired.")
        for item in all {
            writer.sample(
                "stapled_certificate_expiry_seconds", labels: item.labels, item.status.certificateNotAfter - now)
        }
        writer.family(
            "stapled_must_staple_without_staple", .gauge,
            help: "1 when a Must-Staple certificate has no valid staple to serve (clients will refuse it).")
        for item in all {
            let alarm = item.status.mustStaple && !item.status.isStapled(now: now)
            writer.sample("stapled_must_staple_without_staple", labels: item.labels, alarm)
        }
        writer.family(
            "stapled_certificate_revoked", .gauge,
            help: "1 when the certificate's OCSP responder says it is revoked.")
        for item in all { writer.sample("stapled_certificate_revoked", labels: item.labels, item.status.isRevoked) }
        let stapling = all.filter { $0.status.takesPartInStapling }
        writer.family(
            "stapled_staple_valid", .gauge,
            help: "1 when a valid staple is served for the certificate; absent when stapling is not applicable or off.")
        for item in stapling {
            writer.sample("stapled_staple_valid", labels: item.labels, item.status.isStapled(now: now))
        }
        writer.family(
            "stapled_staple_expiry_seconds", .gauge,
            help: "Seconds until the held staple expires (nextUpdate); negative once expired; absent without a staple.")
        for item in stapling {
            guard let validUntil = item.status.validUntil else { continue }
            writer.sample("stapled_staple_expiry_seconds", labels: item.labels, validUntil - now)
        }
    }

    private static func writeFetches(_ writer: inout ExpositionWriter, _ stapling: [CertificateSeries]) {
        let attempted = stapling.filter { $0.status.lastAttemptAt != nil }
        writer.family(
            "stapled_ocsp_last_fetch_success", .gauge,
            help: "1 when the last OCSP fetch gave a verified staple; absent before the first fetch.")
        for item in attempted {
            writer.sample("stapled_ocsp_last_fetch_success", labels: item.labels, item.status.lastResult == "ok")
        }
        writer.family(
            "stapled_ocsp_last_fetch_timestamp_seconds", .gauge,
            help: "When the last OCSP fetch was attempted, in seconds since the epoch.")
        for item in attempted {
            writer.sample(
                "stapled_ocsp_last_fetch_timestamp_seconds", labels: item.labels, item.status.lastAttemptAt ?? 0)
        }
        writer.family(
            "stapled_ocsp_fetch_latency_seconds", .gauge,
            help: "Duration of the last OCSP fetch attempt.")
        for item in stapling {
            guard let milliseconds = item.status.lastLatencyMilliseconds else { continue }
            writer.sample(
                "stapled_ocsp_fetch_latency_seconds", labels: item.labels,
                ExpositionWriter.seconds(milliseconds: milliseconds))
        }
        writer.family(
            "stapled_ocsp_fetches_total", .counter,
            help: "OCSP fetch attempts by result: ok, transport, rollback, or the verification check that failed.")
        for item in stapling where item.status.applicability == .fetched || !item.status.fetchCounts.isEmpty {
            var counts = item.status.fetchCounts
            counts["ok", default: 0] += 0  // Always present, so rate() works from the first scrape.
            for (result, count) in counts.sorted(by: { $0.key < $1.key }) {
                writer.sample("stapled_ocsp_fetches_total", labels: item.labels + [("result", result)], count)
            }
        }
        writer.family(
            "stapled_ocsp_consecutive_failures", .gauge,
            help: "Failed OCSP fetch rounds since the last success.")
        for item in stapling where item.status.applicability == .fetched {
            writer.sample("stapled_ocsp_consecutive_failures", labels: item.labels, item.status.consecutiveFailures)
        }
    }
}

/// A certificate's status with its label set; one per distinct (subject, serial, chain).
struct CertificateSeries {
    let status: StapleStatus
    let labels: [(String, String)]

    /// Sorted by chain file, then subject and serial; the same certificate served twice (same chain
    /// file with different per-certificate options) is reported once, as two series with the same
    /// labels would be rejected by Prometheus.
    static func distinct(_ statuses: [StapleStatus]) -> [CertificateSeries] {
        var seen = Set<[String]>()
        var result: [CertificateSeries] = []
        for status in statuses.sorted(by: StapleStatus.reportOrder) {
            guard seen.insert([status.subject, status.serial, status.chainPath]).inserted else { continue }
            let labels = [("certificate", status.subject), ("serial", status.serial), ("chain", status.chainPath)]
            result.append(CertificateSeries(status: status, labels: labels))
        }
        return result
    }
}
