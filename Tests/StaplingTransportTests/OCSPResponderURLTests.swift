import Testing

@testable import Stapling

@Suite("Responder and proxy URLs")
struct OCSPResponderURLTests {
    @Test func defaultsPortAndPath() throws {
        let url = try OCSPResponderURL(parsing: "http://ocsp.example.com")
        #expect(url.scheme == .http)
        #expect(url.host == "ocsp.example.com")
        #expect(url.port == 80)
        #expect(url.path == "/")
        #expect(url.hostHeader == "ocsp.example.com")
    }

    @Test func keepsPortPathAndQueryAndLowercasesSchemeAndHost() throws {
        let url = try OCSPResponderURL(parsing: "HTTPS://OCSP.Example.com:8443/a/b?x=1#frag")
        #expect(url.scheme == .https)
        #expect(url.host == "ocsp.example.com")
        #expect(url.port == 8443)
        #expect(url.path == "/a/b?x=1")
        #expect(url.authorityWithPort == "ocsp.example.com:8443")
    }

    @Test func parsesIPv6Literals() throws {
        let url = try OCSPResponderURL(parsing: "http://[2001:db8::1]:8080/ocsp")
        #expect(url.host == "2001:db8::1")
        #expect(url.port == 8080)
        #expect(url.hostIsIPAddress)
        #expect(url.hostHeader == "[2001:db8::1]:8080")
        #expect(try OCSPResponderURL(parsing: "https://127.0.0.1/").hostIsIPAddress)
        #expect(try !OCSPResponderURL(parsing: "https://localhost/").hostIsIPAddress)
    }

    @Test(arguments: [
        "ftp://ocsp.example.com/", "ocsp.example.com", "http://", "http://user:pw@ocsp.example.com/",
        "http://ocsp.example.com:0/", "http://ocsp.example.com:70000/", "http://ocsp.example.com:http/",
        "http://[::1/", "http://[::1]x/",
    ])
    func rejectsUnusableURLs(text: String) {
        #expect(throws: OCSPTransportError.Reason.self) { try OCSPResponderURL(parsing: text) }
    }

    @Test func proxyMustBePlainHTTPWithoutPath() throws {
        #expect(try OCSPResponderURL.proxy(parsing: "http://proxy.internal:3128").port == 3128)
        #expect(try OCSPResponderURL.proxy(parsing: "http://proxy.internal:3128/").host == "proxy.internal")
        #expect(throws: OCSPTransportError.Reason.self) { try OCSPResponderURL.proxy(parsing: "https://proxy:3128") }
        #expect(throws: OCSPTransportError.Reason.self) { try OCSPResponderURL.proxy(parsing: "http://proxy:3128/x") }
        #expect(throws: OCSPTransportError.Reason.self) { try OCSPResponderURL.proxy(parsing: "socks5://proxy:1080") }
    }
}
