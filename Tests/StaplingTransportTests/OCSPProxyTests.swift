import Stapling
import TestSupport
import Testing

/// Fetches through an HTTP proxy: absolute-form URIs for http, CONNECT tunnels for https.
@Suite("OCSP through an HTTP proxy", .serialized)
struct OCSPProxyTests {
    let fixture: TransportFixture

    init() throws { fixture = try TransportFixture.shared() }

    @Test func httpTargetUsesTheAbsoluteForm() throws {
        let responder = try FaultResponder()
        let proxy = try RecordingProxy()
        let settings = OCSPTransportSettings.test.with(proxy: proxy.url)
        let response = try OCSPHTTPClient().fetch(url: responder.url, request: fixture.shortRequest, settings: settings)
            .response()
        #expect(response.method == .get)
        #expect(response.remoteAddress == proxy.address)
        let line = try #require(proxy.requestLines.first)
        #expect(line.hasPrefix("GET http://127.0.0.1:\(responder.port)/"))
        #expect(line.hasSuffix(" HTTP/1.1"))
        #expect(proxy.requests.first?.header("host") == "127.0.0.1:\(responder.port)")
        #expect(responder.requestLog.first?.contains("method=GET") == true)
    }

    @Test func postThroughTheProxy() throws {
        let responder = try FaultResponder()
        let proxy = try RecordingProxy()
        let settings = OCSPTransportSettings.test.with(proxy: proxy.url)
        let response = try OCSPHTTPClient().fetch(url: responder.url, request: fixture.longRequest, settings: settings)
            .response()
        #expect(response.method == .post)
        #expect(proxy.requestLines == ["POST http://127.0.0.1:\(responder.port)/ HTTP/1.1"])
    }

    @Test func httpsTargetUsesAConnectTunnel() throws {
        let responder = try FaultResponder(tls: fixture.leaf)
        let proxy = try RecordingProxy()
        let client = OCSPHTTPClient(trustRoots: .pemFile(fixture.pki.rootCertificatePath))
        let settings = OCSPTransportSettings.test.with(proxy: proxy.url)
        let response = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: settings)
            .response()
        #expect(response.body.first == 0x30)
        #expect(proxy.requestLines == ["CONNECT localhost:\(responder.port) HTTP/1.1"])
    }

    @Test func refusedTunnelIsAProxyFailure() throws {
        let proxy = try RecordingProxy(refuseConnect: "403 Forbidden")
        let settings = OCSPTransportSettings.test.with(proxy: proxy.url)
        let error = try OCSPHTTPClient().fetch(
            url: "https://ocsp.example.com/", request: fixture.shortRequest, settings: settings
        )
        .error()
        guard case .proxyFailed(let message) = error.reason else {
            Issue.record("expected proxyFailed, got \(error)")
            return
        }
        #expect(message.contains("403"))
        #expect(error.proxy == proxy.url)
        #expect(error.description.contains("via proxy \(proxy.url)"))
    }

    @Test func unreachableProxyIsAConnectFailureToTheProxy() throws {
        let port = Loopback.closedPort()
        let settings = OCSPTransportSettings.test.with(proxy: "http://127.0.0.1:\(port)")
        let error = try OCSPHTTPClient().fetch(
            url: "http://ocsp.example.com/", request: fixture.shortRequest, settings: settings
        )
        .error()
        #expect(error.reason == .connectFailed(address: "127.0.0.1:\(port)", message: "Connection refused"))
    }

    @Test func invalidProxyIsNamed() throws {
        let settings = OCSPTransportSettings.test.with(proxy: "socks5://127.0.0.1:1080")
        let error = try OCSPHTTPClient().fetch(
            url: "http://ocsp.example.com/", request: fixture.shortRequest, settings: settings
        )
        .error()
        guard case .invalidURL(let message) = error.reason else {
            Issue.record("expected invalidURL, got \(error)")
            return
        }
        #expect(message.contains("proxy"))
    }
}
