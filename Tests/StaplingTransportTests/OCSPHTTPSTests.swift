import Stapling
import TestSupport
import Testing

/// `https://` responders: certificate chain and host name verification, SNI, trust roots.
@Suite("OCSP over HTTPS", .serialized)
struct OCSPHTTPSTests {
    let fixture: TransportFixture

    init() throws { fixture = try TransportFixture.shared() }

    private var testTrust: OCSPHTTPClient { OCSPHTTPClient(trustRoots: .pemFile(fixture.pki.rootCertificatePath)) }

    @Test func fetchesOverVerifiedTLS() throws {
        let responder = try FaultResponder(tls: fixture.leaf)
        let response = try testTrust.fetch(url: responder.url, request: fixture.shortRequest, settings: .test)
            .response()
        #expect(response.method == .get)
        #expect(response.body.first == 0x30)
        let post = try testTrust.fetch(url: responder.url, request: fixture.longRequest, settings: .test).response()
        #expect(post.method == .post)
        #expect(responder.requestLog.count == 2)
    }

    @Test func verifiesIPAddressesAgainstIPSubjectAlternativeNames() throws {
        let responder = try FaultResponder(tls: fixture.leaf)
        let url = "https://127.0.0.1:\(responder.port)/"
        _ = try testTrust.fetch(url: url, request: fixture.shortRequest, settings: .test).response()
    }

    @Test func rejectsACertificateForAnotherName() throws {
        let responder = try FaultResponder(tls: fixture.otherNameLeaf)
        let error = try testTrust.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).error()
        guard case .tlsFailed(let message) = error.reason else {
            Issue.record("expected tlsFailed, got \(error)")
            return
        }
        #expect(message.contains("hostname mismatch"))
        #expect(responder.requestLog.isEmpty)
    }

    @Test func systemTrustStoreDoesNotTrustTheTestCA() throws {
        let responder = try FaultResponder(tls: fixture.leaf)
        let error = try OCSPHTTPClient().fetch(url: responder.url, request: fixture.shortRequest, settings: .test)
            .error()
        guard case .tlsFailed(let message) = error.reason else {
            Issue.record("expected tlsFailed, got \(error)")
            return
        }
        #expect(message.contains("certificate verification failed"))
    }

    @Test func plainHTTPServerIsATLSFailure() throws {
        let responder = try FaultResponder()
        let url = "https://127.0.0.1:\(responder.port)/"
        let error = try testTrust.fetch(url: url, request: fixture.shortRequest, settings: .test).error()
        switch error.reason {
        case .tlsFailed, .connectionClosed(.tlsHandshake): break
        default: Issue.record("expected a TLS failure, got \(error)")
        }
    }

    @Test func hangingTLSResponderTimesOut() throws {
        let responder = try FaultResponder(mode: "hang", tls: fixture.leaf)
        let settings = OCSPTransportSettings.test.with(totalTimeout: .seconds(1))
        let error = try testTrust.fetch(url: responder.url, request: fixture.shortRequest, settings: settings).error()
        #expect(error.reason == .timeout(.responseHead))
    }

    @Test func unreadableTrustRootsAreATLSFailure() throws {
        let client = OCSPHTTPClient(trustRoots: .pemFile("/nonexistent/roots.pem"))
        let responder = try FaultResponder(tls: fixture.leaf)
        let error = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).error()
        guard case .tlsFailed(let message) = error.reason else {
            Issue.record("expected tlsFailed, got \(error)")
            return
        }
        #expect(message.contains("trust roots"))
    }
}
