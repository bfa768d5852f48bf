import Testing

/// A way an OCSP fetch fails, and how the daemon must name it in its `OCSP fetch failed` line.
struct FetchFault: Sendable, CustomTestStringConvertible {
    /// Unique; names the test case, the leaf and the temp directories.
    let name: String
    /// The fault responder's mode; nil: the responder is stopped, so its port refuses connections.
    let mode: String?
    /// The expected `check=`.
    let check: String
    /// A fragment of the expected `reason=`.
    let reason: String
    /// `stapling { }` directives the fault needs.
    var stapling: [String] = []
    /// Other fields the failure line must carry, exactly.
    var fields: [String: String] = [:]
    /// The bounds of `latency_ms=`, when the fault decides it (a timeout).
    var latency: ClosedRange<Int>?

    var testDescription: String { name }

    /// Makes the scenario's responder fail this way for every later request.
    func inject(into scenario: FaultScenario) throws {
        if let mode {
            try scenario.responder.setMode(mode)
        } else {
            try scenario.responder.stop()
        }
    }

    static let connectionRefused = FetchFault(
        name: "refused", mode: nil, check: "transport", reason: "failed: Connection refused")
    static let noAnswer = FetchFault(
        name: "hang", mode: "hang", check: "transport", reason: "timed out while reading the response head",
        latency: 1_900...4_500)  // fetch_timeout 2s
    static let http500 = FetchFault(
        name: "http500", mode: "http500", check: "transport", reason: "HTTP status 500", fields: ["http_status": "500"])
    static let wrongContentType = FetchFault(
        name: "content-type", mode: "wrong-content-type", check: "transport",
        reason: "Content-Type is \"text/html\", not application/ocsp-response")
    static let garbage = FetchFault(
        name: "garbage", mode: "garbage", check: "malformed", reason: "malformed OCSP response")
    static let oversize = FetchFault(
        name: "oversize", mode: "oversize", check: "transport",
        reason: "response body exceeds the limit of 16384 bytes", stapling: ["max_response_size 16k"])
    static let tryLater = FetchFault(
        name: "tryLater", mode: "tryLater", check: "responseStatus", reason: "the responder answered tryLater (3)")
    static let internalError = FetchFault(
        name: "internalError", mode: "internalError", check: "responseStatus",
        reason: "the responder answered internalError (2)")
    static let unauthorized = FetchFault(
        name: "unauthorized", mode: "unauthorized", check: "responseStatus",
        reason: "the responder answered unauthorized (6)")
    static let unrelatedKey = FetchFault(
        name: "unrelated-key", mode: "unrelated-key", check: "signerNotAuthorized",
        reason: "is neither the issuer nor a certificate included in the response")
    static let delegatedWithoutEKU = FetchFault(
        name: "delegated-no-eku", mode: "delegated-no-eku", check: "signerNotAuthorized",
        reason: "lacks the OCSPSigning extended key usage")
    static let wrongSerial = FetchFault(
        name: "wrong-serial", mode: "wrong-serial", check: "certIDNotFound", reason: "the response has no status for")
    static let futureThisUpdate = FetchFault(
        name: "future-thisupdate", mode: "future-thisupdate", check: "thisUpdateInFuture", reason: "s in the future")
    static let pastNextUpdate = FetchFault(
        name: "past-nextupdate", mode: "past-nextupdate", check: "expired", reason: "the response expired")
    static let noNextUpdateWithZeroMaximumAge = FetchFault(
        name: "no-nextupdate-max-age-0", mode: "no-nextupdate", check: "noNextUpdateTooOld",
        reason: "the response has no nextUpdate", stapling: ["max_age_without_next_update 0s"])
    static let unknown = FetchFault(
        name: "unknown", mode: "unknown", check: "statusUnknown", reason: "the responder answered certStatus unknown")

    /// Every fault whose outcome has the same shape: a `check=`-named failure, a retry, and the
    /// staple being served left alone.
    static let all: [FetchFault] = [
        connectionRefused, noAnswer, http500, wrongContentType, garbage, oversize, tryLater, internalError,
        unauthorized, unrelatedKey, delegatedWithoutEKU, wrongSerial, futureThisUpdate, pastNextUpdate,
        noNextUpdateWithZeroMaximumAge, unknown,
    ]
}
