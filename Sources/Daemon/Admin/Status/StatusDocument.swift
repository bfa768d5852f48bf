import Stapling
import TLS

/// The `GET /status` document: every certificate's staple state (the facts `stapled -t` prints,
/// live) and the traffic totals, as JSON with ISO 8601 UTC times. `stapled status` renders it.
///
/// Absent facts are `null` (no staple yet, no fetch yet), never a sentinel value.
struct StatusDocument {
    static let contentType = "application/json"

    let json: JSONValue

    init(totals: CounterTotals, statuses: [StapleStatus], version: String, startedAt: Int64, now: Int64) {
        let certificates = statuses.sorted(by: StapleStatus.reportOrder).map { Self.certificate($0, now: now) }
        json = .object([
            ("version", .string(version)),
            ("started_at", .string(UTCTime.format(startedAt))),
            ("now", .string(UTCTime.format(now))),
            ("certificates", .array(certificates)),
            (
                "connections",
                .object([("active", .integer(totals.connectionsOpen)), ("total", .integer(totals.connectionsAccepted))])
            ),
            (
                "handshakes",
                .object([
                    ("stapled", .integer(totals.handshakesStapled)),
                    ("requested_not_stapled", .integer(totals.handshakesRequestedNotStapled)),
                    ("not_requested", .integer(totals.handshakesNotRequested)),
                    ("failed", .integer(totals.handshakeFailures)),
                ])
            ),
            (
                "bytes",
                .object([
                    ("from_clients", .integer(totals.bytesFromClients)),
                    ("to_clients", .integer(totals.bytesToClients)),
                ])
            ),
            ("upstream_connect_errors", .integer(totals.upstreamConnectErrors)),
        ])
    }

    var text: String { json.serialized + "\n" }

    static func certificate(_ status: StapleStatus, now: Int64) -> JSONValue {
        let staple: JSONValue = .object([
            ("state", .string(status.stapleState(now: now))),
            ("cert_status", .string(status.certStatus)),
            ("this_update", time(status.thisUpdate)),
            ("valid_until", time(status.validUntil)),
            ("next_refresh", time(status.nextRefresh)),
        ])
        let counts = status.fetchCounts.sorted { $0.key < $1.key }.map {
            (key: $0.key, value: JSONValue.integer($0.value))
        }
        return .object([
            ("subject", .string(status.subject)),
            ("serial", .string(status.serial)),
            ("chain", .string(status.chainPath)),
            ("names", .array(status.names.map { .string($0) })),
            ("key", .string(status.keyType)),
            ("not_after", .string(UTCTime.format(status.certificateNotAfter))),
            ("must_staple", .bool(status.mustStaple)),
            ("stapling", .string(status.applicability.rawValue)),
            ("urls", .array(status.urls.map { .string($0) })),
            ("staple", staple),
            ("revoked", .bool(status.isRevoked)),
            ("must_staple_without_staple", .bool(status.mustStaple && !status.isStapled(now: now))),
            ("last_result", .string(status.lastResult)),
            ("last_attempt", time(status.lastAttemptAt)),
            ("last_latency_ms", status.lastLatencyMilliseconds.map { .integer($0) } ?? .null),
            ("consecutive_failures", .integer(status.consecutiveFailures)),
            ("fetch_counts", .object(counts)),
        ])
    }

    private static func time(_ seconds: Int64?) -> JSONValue { .string(seconds.map { UTCTime.format($0) }) }
}
