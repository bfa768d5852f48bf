import Foundation
import Stapling
import Testing

@testable import Daemon

@Suite("GET /status document")
struct StatusDocumentTests {
    static func document(_ statuses: [StapleStatus] = AdminFixtures.all) throws -> [String: Any] {
        let text = StatusDocument(
            totals: CounterTotals(summing: AdminFixtures.workers()), statuses: statuses, version: "1.2.3",
            startedAt: AdminFixtures.startedAt, now: AdminFixtures.now
        ).text
        return try AdminFixtures.foundationJSON(text)
    }

    static func certificate(_ document: [String: Any], serial: String) throws -> [String: Any] {
        let certificates = try #require(document["certificates"] as? [[String: Any]])
        return try #require(certificates.first { $0["serial"] as? String == serial })
    }

    @Test("JSONSerialization reads it; top-level facts and totals")
    func topLevel() throws {
        let document = try Self.document()
        #expect(document["version"] as? String == "1.2.3")
        #expect(document["started_at"] as? String == "2025-12-31T23:00:00Z")
        #expect(document["now"] as? String == "2026-01-01T00:00:00Z")
        let connections = try #require(document["connections"] as? [String: Int])
        #expect(connections == ["active": 4, "total": 29])
        let handshakes = try #require(document["handshakes"] as? [String: Int])
        #expect(handshakes == ["stapled": 17, "requested_not_stapled": 1, "not_requested": 7, "failed": 2])
        #expect(document["bytes"] as? [String: Int] == ["from_clients": 1_500, "to_clients": 75_000])
        #expect(document["upstream_connect_errors"] as? Int == 1)
        #expect((document["certificates"] as? [Any])?.count == 5)
    }

    @Test("every certificate has the documented fields")
    func fields() throws {
        let certificate = try Self.certificate(try Self.document(), serial: "01AB")
        let expected: Set<String> = [
            "subject", "serial", "chain", "names", "key", "not_after", "must_staple", "stapling", "urls", "staple",
            "revoked", "must_staple_without_staple", "last_result", "last_attempt", "last_latency_ms",
            "consecutive_failures", "fetch_counts",
        ]
        #expect(Set(certificate.keys) == expected)
        #expect(certificate["subject"] as? String == "CN=www.example.com")
        #expect(certificate["chain"] as? String == "/etc/stapled/www.pem")
        #expect(certificate["names"] as? [String] == ["www.example.com"])
        #expect(certificate["key"] as? String == "EC 256")
        #expect(certificate["not_after"] as? String == "2026-04-01T00:00:00Z")
        #expect(certificate["must_staple"] as? Bool == true)
        #expect(certificate["stapling"] as? String == "fetched")
        #expect(certificate["urls"] as? [String] == ["http://ocsp.example.com/"])
        #expect(certificate["last_result"] as? String == "ok")
        #expect(certificate["last_attempt"] as? String == "2025-12-31T23:50:00Z")
        #expect(certificate["last_latency_ms"] as? Int == 42)
        #expect(certificate["consecutive_failures"] as? Int == 0)
        #expect(certificate["fetch_counts"] as? [String: Int] == ["ok": 3, "transport": 1])
        let staple = try #require(certificate["staple"] as? [String: Any])
        #expect(Set(staple.keys) == ["state", "cert_status", "this_update", "valid_until", "next_refresh"])
        #expect(staple["state"] as? String == "valid")
        #expect(staple["cert_status"] as? String == "good")
        #expect(staple["this_update"] as? String == "2025-12-31T23:50:00Z")
        #expect(staple["valid_until"] as? String == "2026-01-08T00:00:00Z")
        #expect(staple["next_refresh"] as? String == "2026-01-04T00:00:00Z")
    }

    @Test("staple state: valid, expired, none; absent facts are null")
    func states() throws {
        let document = try Self.document()
        let expired = try #require(try Self.certificate(document, serial: "02CD")["staple"] as? [String: Any])
        #expect(expired["state"] as? String == "expired")
        let none = try Self.certificate(document, serial: "03EF")
        let staple = try #require(none["staple"] as? [String: Any])
        #expect(staple["state"] as? String == "none")
        #expect(staple["cert_status"] is NSNull)
        #expect(staple["valid_until"] is NSNull)
        #expect(none["last_result"] is NSNull)
        #expect(none["last_latency_ms"] is NSNull)
        #expect(none["stapling"] as? String == "not applicable")
        #expect(none["urls"] as? [String] == [])
        #expect(none["fetch_counts"] as? [String: Int] == [:])
        let alarm = try Self.certificate(document, serial: "05BB")
        #expect(alarm["must_staple_without_staple"] as? Bool == true)
        #expect(try Self.certificate(document, serial: "04AA")["revoked"] as? Bool == true)
    }

    @Test("certificates are sorted by chain file, so the output is stable")
    func order() throws {
        let certificates = try #require(try Self.document()["certificates"] as? [[String: Any]])
        let chains = certificates.compactMap { $0["chain"] as? String }
        #expect(chains == chains.sorted())
    }

    @Test("strings with quotes, control characters and UTF-8 are escaped and read back unchanged")
    func escaping() throws {
        let subject = "CN=\"q\" \\ \u{01}\t\n\r\u{7F} Bücher 😀 \u{2028}"
        let status = AdminFixtures.status(
            subject: subject, chain: "/tmp/x.pem", serial: "0F", mustStaple: false, applicability: .disabled,
            lastResult: "reason with \"quotes\"")
        let certificate = try Self.certificate(try Self.document([status]), serial: "0F")
        #expect(certificate["subject"] as? String == subject)
        #expect(certificate["last_result"] as? String == "reason with \"quotes\"")
        #expect(certificate["stapling"] as? String == "disabled")
    }
}
