import Foundation
import Proxy
import Stapling
import Testing

@testable import Daemon

@Suite("GET /metrics exposition")
struct MetricsExpositionTests {
    static func exposition(_ statuses: [StapleStatus] = AdminFixtures.all) -> String {
        MetricsExposition(
            totals: CounterTotals(summing: AdminFixtures.workers()), statuses: statuses, version: "1.2.3",
            startedAt: AdminFixtures.startedAt, now: AdminFixtures.now
        ).text
    }

    static func labels(_ status: StapleStatus) -> [String: String] {
        ["certificate": status.subject, "serial": status.serial, "chain": status.chainPath]
    }

    @Test("prometheus_client parses it: every family has HELP and TYPE, counters end in _total")
    func parses() throws {
        let families = try PrometheusParser.parse(Self.exposition())
        let names = Set(families.map(\.name))
        for expected in [
            "stapled_build_info", "stapled_handshakes", "stapled_connections_active", "stapled_connections",
            "stapled_bytes", "stapled_upstream_connect_errors", "stapled_staple_expiry_seconds",
            "stapled_certificate_expiry_seconds", "stapled_must_staple_without_staple", "stapled_certificate_revoked",
            "stapled_ocsp_last_fetch_success", "stapled_ocsp_last_fetch_timestamp_seconds", "stapled_ocsp_fetches",
            "stapled_ocsp_fetch_latency_seconds", "stapled_staple_valid",
        ] {
            #expect(names.contains(expected), "missing family \(expected)")
        }
        for family in families {
            #expect(!family.help.isEmpty, "\(family.name) has no HELP")
            #expect(family.type == "counter" || family.type == "gauge", "\(family.name) is \(family.type)")
            if family.type == "counter" {
                #expect(family.samples.allSatisfy { $0.name == family.name + "_total" })
            }
        }
    }

    @Test("traffic counters are the sum over workers")
    func summedCounters() throws {
        let families = try PrometheusParser.parse(Self.exposition())
        #expect(families.value("stapled_handshakes_total", ["result": "stapled"]) == 17)
        #expect(families.value("stapled_handshakes_total", ["result": "requested_not_stapled"]) == 1)
        #expect(families.value("stapled_handshakes_total", ["result": "not_requested"]) == 7)
        #expect(families.value("stapled_handshakes_total", ["result": "failed"]) == 2)
        #expect(families.value("stapled_connections_active") == 4)
        #expect(families.value("stapled_connections_total") == 29)
        #expect(families.value("stapled_bytes_total", ["direction": "from_clients"]) == 1_500)
        #expect(families.value("stapled_bytes_total", ["direction": "to_clients"]) == 75_000)
        #expect(families.value("stapled_upstream_connect_errors_total") == 1)
        #expect(families.value("stapled_build_info", ["version": "1.2.3"]) == 1)
        #expect(families.value("stapled_start_time_seconds") == Double(AdminFixtures.startedAt))
    }

    @Test("a valid Must-Staple staple: expiry, validity, last fetch, counts and latency")
    func stapledCertificate() throws {
        let families = try PrometheusParser.parse(Self.exposition())
        let labels = Self.labels(AdminFixtures.stapled)
        #expect(families.value("stapled_staple_valid", labels) == 1)
        #expect(families.value("stapled_staple_expiry_seconds", labels) == Double(7 * 86_400))
        #expect(families.value("stapled_certificate_expiry_seconds", labels) == Double(90 * 86_400))
        #expect(families.value("stapled_must_staple_without_staple", labels) == 0)
        #expect(families.value("stapled_certificate_revoked", labels) == 0)
        #expect(families.value("stapled_ocsp_last_fetch_success", labels) == 1)
        #expect(families.value("stapled_ocsp_last_fetch_timestamp_seconds", labels) == Double(AdminFixtures.now - 600))
        #expect(families.value("stapled_ocsp_fetches_total", labels.merging(["result": "ok"]) { $1 }) == 3)
        #expect(families.value("stapled_ocsp_fetches_total", labels.merging(["result": "transport"]) { $1 }) == 1)
        #expect(families.value("stapled_ocsp_fetch_latency_seconds", labels) == 0.042)
    }

    @Test("an expired staple: negative expiry, not valid; the failed fetch is last_fetch_success 0")
    func expiredStaple() throws {
        let families = try PrometheusParser.parse(Self.exposition())
        let labels = Self.labels(AdminFixtures.expired)
        #expect(families.value("stapled_staple_valid", labels) == 0)
        #expect(families.value("stapled_staple_expiry_seconds", labels) == -120)
        #expect(families.value("stapled_ocsp_last_fetch_success", labels) == 0)
        #expect(families.value("stapled_ocsp_fetches_total", labels.merging(["result": "ok"]) { $1 }) == 0)
        #expect(families.value("stapled_ocsp_fetches_total", labels.merging(["result": "transport"]) { $1 }) == 5)
        #expect(families.value("stapled_ocsp_fetch_latency_seconds", labels) == 1.234)
        #expect(families.value("stapled_ocsp_consecutive_failures", labels) == 5)
    }

    @Test("Must-Staple without staple and revoked raise their 0/1 gauges")
    func alarms() throws {
        let families = try PrometheusParser.parse(Self.exposition())
        let without = Self.labels(AdminFixtures.mustStapleWithout)
        #expect(families.value("stapled_must_staple_without_staple", without) == 1)
        #expect(families.value("stapled_staple_valid", without) == 0)
        #expect(families.value("stapled_staple_expiry_seconds", without) == nil, "no staple: no expiry series")
        let revoked = Self.labels(AdminFixtures.revoked)
        #expect(families.value("stapled_certificate_revoked", revoked) == 1)
        #expect(families.value("stapled_staple_valid", revoked) == 1, "a revoked status is still stapled")
    }

    @Test("stapling not applicable: certificate series only, no staple or OCSP series")
    func notApplicable() throws {
        let families = try PrometheusParser.parse(Self.exposition())
        let labels = Self.labels(AdminFixtures.notApplicable)
        #expect(families.value("stapled_certificate_expiry_seconds", labels) == Double(90 * 86_400))
        #expect(families.value("stapled_must_staple_without_staple", labels) == 0)
        #expect(families.value("stapled_certificate_info", labels.merging(["stapling": "not applicable"]) { $1 }) == 1)
        for name in [
            "stapled_staple_valid", "stapled_staple_expiry_seconds", "stapled_ocsp_last_fetch_success",
            "stapled_ocsp_fetches_total", "stapled_ocsp_fetch_latency_seconds",
        ] {
            #expect(families.samples(name).allSatisfy { $0.labels["serial"] != "03EF" }, "\(name) for not applicable")
        }
    }

    @Test("label values with quotes, backslashes, newlines and UTF-8 survive the reference parser")
    func escaping() throws {
        let subject = "CN=a \"quoted\" \\ name\nsecond line, O=Bücher €"
        let status = AdminFixtures.status(
            subject: subject, chain: "/etc/stapled/we\"ird\\.pem", serial: "0F", mustStaple: false,
            applicability: .fetched)
        let families = try PrometheusParser.parse(Self.exposition([status]))
        let sample = try #require(families.samples("stapled_certificate_expiry_seconds").first)
        #expect(sample.labels["certificate"] == subject)
        #expect(sample.labels["chain"] == "/etc/stapled/we\"ird\\.pem")
        #expect(ExpositionWriter.escapeLabelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }

    @Test("no certificates: families still parse, with no per-certificate samples")
    func noCertificates() throws {
        let families = try PrometheusParser.parse(Self.exposition([]))
        #expect(families.samples("stapled_staple_valid").isEmpty)
        #expect(families.value("stapled_connections_total") == 29)
    }

    @Test("the same certificate configured twice is reported once (Prometheus rejects duplicate series)")
    func duplicates() throws {
        let families = try PrometheusParser.parse(Self.exposition([AdminFixtures.stapled, AdminFixtures.stapled]))
        #expect(families.samples("stapled_staple_valid").count == 1)
    }

    @Test(
        "milliseconds are written as exact decimal seconds",
        arguments: [(0, "0.000"), (7, "0.007"), (42, "0.042"), (1_234, "1.234"), (60_000, "60.000"), (-5, "-0.005")])
    func seconds(milliseconds: Int, expected: String) {
        #expect(ExpositionWriter.seconds(milliseconds: milliseconds) == expected)
    }

    @Test("HELP text escapes backslashes and newlines")
    func helpEscaping() {
        #expect(ExpositionWriter.escapeHelp("a\\b\nc \"d\"") == "a\\\\b\\nc \"d\"")
    }
}
