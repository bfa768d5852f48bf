import Stapling
import TestSupport
import Testing

/// Name resolution, address iteration and connection failures.
@Suite("OCSP HTTP client connections")
struct OCSPHTTPClientConnectionTests {
    let request: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
    let body: [UInt8] = [0x30, 0x03, 0x0A, 0x01, 0x00]

    @Test func refusedPortIsNamedWithTheAddress() throws {
        let port = Loopback.closedPort()
        let result = OCSPHTTPClient().fetch(url: "http://127.0.0.1:\(port)/", request: request, settings: .test)
        let error = try result.error()
        #expect(error.reason == .connectFailed(address: "127.0.0.1:\(port)", message: "Connection refused"))
        #expect(error.addressesAttempted == ["127.0.0.1:\(port)"])
        #expect(error.description.contains("Connection refused"))
    }

    /// Every resolved address is tried in order: the first (IPv6) refuses, the second (IPv4) answers.
    @Test func triesEveryAddressUntilOneConnects() throws {
        let server = try ScriptedHTTPServer(answer: ScriptedHTTPServer.response(body: body))
        let port = server.port
        let resolver = OCSPHostResolver { host, requestedPort throws(OCSPHostResolver.Failure) in
            guard host == "ocsp.test", requestedPort == port,
                let v6 = OCSPSocketAddress(ipAddress: "::1", port: requestedPort),
                let v4 = OCSPSocketAddress(ipAddress: "127.0.0.1", port: requestedPort)
            else { throw OCSPHostResolver.Failure("unexpected lookup of \(host):\(requestedPort)") }
            return [v6, v4]
        }
        let response = try OCSPHTTPClient(resolver: resolver)
            .fetch(url: "http://ocsp.test:\(port)/", request: request, settings: .test).response()
        #expect(response.remoteAddress == "127.0.0.1:\(port)")
        #expect(server.requests.first?.header("host") == "ocsp.test:\(port)")
    }

    @Test func listsEveryAddressWhenAllFail() throws {
        let port = Loopback.closedPort()
        let resolver = OCSPHostResolver { _, requestedPort throws(OCSPHostResolver.Failure) in
            [
                OCSPSocketAddress(ipAddress: "::1", port: requestedPort),
                OCSPSocketAddress(ipAddress: "127.0.0.1", port: requestedPort),
            ]
            .compactMap { $0 }
        }
        let error = try OCSPHTTPClient(resolver: resolver)
            .fetch(url: "http://ocsp.test:\(port)/", request: request, settings: .test).error()
        #expect(error.addressesAttempted == ["[::1]:\(port)", "127.0.0.1:\(port)"])
        #expect(error.attempts.allSatisfy { $0.failure != nil })
        #expect(error.reason == .connectFailed(address: "127.0.0.1:\(port)", message: "Connection refused"))
        #expect(error.description.contains("[::1]:\(port)"))
    }

    @Test func connectTimeoutIsNamed() throws {
        let blackHole = UnacceptingListener()
        let settings = OCSPTransportSettings(connectTimeout: .milliseconds(300), totalTimeout: .seconds(5))
        let error = try OCSPHTTPClient()
            .fetch(url: "http://127.0.0.1:\(blackHole.port)/", request: request, settings: settings).error()
        #expect(error.reason == .timeout(.connect))
        #expect(error.attempts == [.init(address: "127.0.0.1:\(blackHole.port)", failure: "connect timed out")])
    }

    /// An address that does not answer costs one connect timeout, then the next address is tried.
    @Test func unansweringAddressIsSkippedAfterTheConnectTimeout() throws {
        let blackHole = UnacceptingListener()
        let server = try ScriptedHTTPServer(answer: ScriptedHTTPServer.response(body: body))
        let addresses = [blackHole.port, server.port].compactMap { OCSPSocketAddress(ipAddress: "127.0.0.1", port: $0) }
        let resolver = OCSPHostResolver { _, _ throws(OCSPHostResolver.Failure) in addresses }
        let settings = OCSPTransportSettings(connectTimeout: .milliseconds(300), totalTimeout: .seconds(5))
        let response = try OCSPHTTPClient(resolver: resolver)
            .fetch(url: "http://ocsp.test/", request: request, settings: settings).response()
        #expect(response.remoteAddress == "127.0.0.1:\(server.port)")
    }

    @Test func totalTimeoutBoundsTheConnectAttempts() throws {
        let blackHole = UnacceptingListener()
        let addresses = Array(repeating: blackHole.port, count: 5).compactMap {
            OCSPSocketAddress(ipAddress: "127.0.0.1", port: $0)
        }
        let resolver = OCSPHostResolver { _, _ throws(OCSPHostResolver.Failure) in addresses }
        let settings = OCSPTransportSettings(connectTimeout: .seconds(5), totalTimeout: .milliseconds(400))
        let error = try OCSPHTTPClient(resolver: resolver)
            .fetch(url: "http://ocsp.test/", request: request, settings: settings).error()
        #expect(error.reason == .timeout(.connect))
        #expect(error.attempts.count == 1)
    }

    @Test func resolvesAgainForEveryFetch() throws {
        let server = try ScriptedHTTPServer(answer: ScriptedHTTPServer.response(body: body))
        let lookups = Counter()
        let resolver = OCSPHostResolver { _, port throws(OCSPHostResolver.Failure) in
            lookups.increment()
            return [OCSPSocketAddress(ipAddress: "127.0.0.1", port: port)].compactMap { $0 }
        }
        let client = OCSPHTTPClient(resolver: resolver)
        for _ in 0..<3 {
            _ = try client.fetch(url: "http://ocsp.test:\(server.port)/", request: request, settings: .test).response()
        }
        #expect(lookups.value == 3)
    }

    @Test func dnsFailureIsNamed() throws {
        let resolver = OCSPHostResolver { _, _ throws(OCSPHostResolver.Failure) in
            throw OCSPHostResolver.Failure("Name or service not known")
        }
        let error = try OCSPHTTPClient(resolver: resolver)
            .fetch(url: "http://ocsp.invalid/", request: request, settings: .test).error()
        #expect(error.reason == .dnsFailed(host: "ocsp.invalid", message: "Name or service not known"))
        #expect(error.attempts.isEmpty)
        #expect(error.description.contains("DNS lookup of ocsp.invalid failed"))
    }

    @Test func systemResolverFindsLocalhost() throws {
        let server = try ScriptedHTTPServer(answer: ScriptedHTTPServer.response(body: body))
        let response = try OCSPHTTPClient()
            .fetch(url: "http://localhost:\(server.port)/ocsp", request: request, settings: .test).response()
        #expect(response.remoteAddress.hasSuffix(":\(server.port)"))
        let addresses = try OCSPHostResolver.system.resolve(host: "localhost", port: 80)
        #expect(addresses.contains { $0.description == "127.0.0.1:80" })
    }

    @Test func invalidURLIsNamed() throws {
        let error = try OCSPHTTPClient().fetch(url: "ldap://ocsp.example.com/", request: request, settings: .test)
            .error()
        guard case .invalidURL = error.reason else {
            Issue.record("expected invalidURL, got \(error)")
            return
        }
        #expect(error.attempts.isEmpty)
    }
}
