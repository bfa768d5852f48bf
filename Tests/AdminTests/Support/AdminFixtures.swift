import Foundation
import Proxy
import Testing

@testable import Stapling

/// Certificate statuses and counters with known values, shared by the suites.
enum AdminFixtures {
    /// A fixed "now" (2026-01-01T00:00:00Z), so documents and tables are exact.
    static let now: Int64 = 1_767_225_600
    static let startedAt: Int64 = now - 3_600

    /// A fetched Must-Staple certificate with a valid staple.
    static var stapled: StapleStatus {
        status(
            subject: "CN=www.example.com", chain: "/etc/stapled/www.pem", serial: "01AB", mustStaple: true,
            applicability: .fetched, certStatus: "good", thisUpdate: now - 600, validUntil: now + 7 * 86_400,
            nextRefresh: now + 3 * 86_400, lastResult: "ok", lastAttemptAt: now - 600,
            fetchCounts: ["ok": 3, "transport": 1], latency: 42)
    }

    /// A fetched certificate whose held staple expired and whose last fetches failed.
    static var expired: StapleStatus {
        status(
            subject: "CN=api.example.com", chain: "/etc/stapled/api.pem", serial: "02CD", mustStaple: false,
            applicability: .fetched, certStatus: "good", thisUpdate: now - 9 * 86_400, validUntil: now - 120,
            nextRefresh: now + 60, lastResult: "transport: connection refused", lastAttemptAt: now - 30,
            fetchCounts: ["transport": 5], latency: 1_234, failures: 5)
    }

    /// A certificate without an OCSP URL (stapling not applicable): no staple, no fetch.
    static var notApplicable: StapleStatus {
        status(
            subject: "CN=le.example.org", chain: "/etc/stapled/le.pem", serial: "03EF", mustStaple: false,
            applicability: .notApplicable)
    }

    /// A revoked certificate, its revocation stapled.
    static var revoked: StapleStatus {
        status(
            subject: "CN=old.example.com", chain: "/etc/stapled/old.pem", serial: "04AA", mustStaple: false,
            applicability: .fetched, certStatus: "revoked at 2025-12-30T00:00:00Z (keyCompromise)",
            thisUpdate: now - 600, validUntil: now + 86_400, nextRefresh: now + 43_200, lastResult: "ok",
            lastAttemptAt: now - 600, fetchCounts: ["ok": 1], latency: 7)
    }

    /// A Must-Staple certificate that never got a staple.
    static var mustStapleWithout: StapleStatus {
        status(
            subject: "CN=shop.example.com", chain: "/etc/stapled/shop.pem", serial: "05BB", mustStaple: true,
            applicability: .fetched, nextRefresh: now + 60, lastResult: "signature: not signed by the issuer",
            lastAttemptAt: now - 10, fetchCounts: ["signature": 2], latency: 80, failures: 2)
    }

    static var all: [StapleStatus] { [stapled, expired, notApplicable, revoked, mustStapleWithout] }

    static func status(
        subject: String, chain: String, serial: String, mustStaple: Bool, applicability: StaplingTarget.Applicability,
        certStatus: String? = nil, thisUpdate: Int64? = nil, validUntil: Int64? = nil, nextRefresh: Int64? = nil,
        lastResult: String? = nil, lastAttemptAt: Int64? = nil, fetchCounts: [String: Int] = [:], latency: Int? = nil,
        failures: Int = 0
    ) -> StapleStatus {
        StapleStatus(
            subject: subject, chainPath: chain, names: [String(subject.dropFirst(3))], keyType: "EC 256",
            serial: serial, certificateNotAfter: now + 90 * 86_400, mustStaple: mustStaple,
            applicability: applicability, urls: applicability == .fetched ? ["http://ocsp.example.com/"] : [],
            certStatus: certStatus, thisUpdate: thisUpdate, validUntil: validUntil, nextRefresh: nextRefresh,
            lastResult: lastResult, lastAttemptAt: lastAttemptAt, consecutiveFailures: failures,
            fetchCounts: fetchCounts, lastLatencyMilliseconds: latency)
    }

    /// Two workers whose counters sum to known totals.
    static func workers() -> [WorkerCounters] {
        let first = WorkerCounters()
        first.handshakesStapled = 10
        first.handshakesRequestedNotStapled = 1
        first.handshakesNotRequested = 5
        first.handshakeFailures = 2
        first.connectionsAccepted = 20
        first.connectionsOpen = 3
        first.bytesFromClients = 1_000
        first.bytesToClients = 50_000
        first.upstreamConnectErrors = 1
        let second = WorkerCounters()
        second.handshakesStapled = 7
        second.handshakesNotRequested = 2
        second.connectionsAccepted = 9
        second.connectionsOpen = 1
        second.bytesFromClients = 500
        second.bytesToClients = 25_000
        return [first, second]
    }

    /// Parses JSON text with Foundation, as a client of the endpoint would.
    static func foundationJSON(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        return try #require(object as? [String: Any])
    }
}
