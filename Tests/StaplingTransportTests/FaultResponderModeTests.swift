import Foundation
import Stapling
import TestSupport
import Testing

/// The fault responder itself: each mode yields the OCSP answer it promises, as `openssl ocsp`
/// (an independent verifier) reads it.
@Suite("Fault-injecting OCSP responder modes", .serialized)
struct FaultResponderModeTests {
    let fixture: TransportFixture
    let client = OCSPHTTPClient()

    init() throws { fixture = try TransportFixture.shared() }

    /// Fetches one response in `mode` and returns what `openssl ocsp -respin` says about it.
    private func opensslVerdict(
        _ responder: FaultResponder, mode: String, request: [UInt8]? = nil
    ) throws -> (response: OCSPHTTPResponse, text: String) {
        try responder.setMode(mode)
        let response = try client.fetch(url: responder.url, request: request ?? fixture.shortRequest, settings: .test)
            .response()
        let directory = try TemporaryDirectory(prefix: "verdict")
        let path = try directory.write(response.body, to: "response.der")
        let result = try ChildProcess.run([
            "openssl", "ocsp", "-respin", path, "-issuer", fixture.pki.intermediate.certificatePath, "-cert",
            fixture.leaf.certificatePath, "-CAfile", fixture.pki.caBundlePath, "-no_nonce", "-resp_text",
        ])
        return (response, result.stdout + result.stderr)
    }

    @Test func modesProduceTheirPromisedAnswers() throws {
        let responder = try FaultResponder()
        let leafLine = "\(fixture.leaf.certificatePath): "
        let expectations: [(mode: String, expected: [String])] = [
            ("good", ["Response verify OK", leafLine + "good"]),
            ("revoked", ["Response verify OK", leafLine + "revoked"]),
            ("unknown", ["Response verify OK", leafLine + "unknown"]),
            ("tryLater", ["Responder Error: trylater"]),
            ("internalError", ["Responder Error: internalerror"]),
            ("unauthorized", ["Responder Error: unauthorized"]),
            ("malformedRequest", ["Responder Error: malformedrequest"]),
            ("unrelated-key", ["Response Verify Failure"]),
            ("delegated-no-eku", ["Response Verify Failure", "missing ocspsigning usage"]),
            ("wrong-serial", ["No Status found"]),
            ("future-thisupdate", ["status not yet valid"]),
            ("past-nextupdate", ["status expired"]),
            ("old-thisupdate", ["Response verify OK", leafLine + "good"]),
            ("no-nextupdate", ["Response verify OK", leafLine + "good"]),
        ]
        for (mode, expected) in expectations {
            let (_, text) = try opensslVerdict(responder, mode: mode)
            for fragment in expected {
                #expect(text.contains(fragment), "mode \(mode): missing \"\(fragment)\" in:\n\(text)")
            }
        }
        let (_, noNextUpdate) = try opensslVerdict(responder, mode: "no-nextupdate")
        #expect(!noNextUpdate.contains("Next Update"))
        let (_, good) = try opensslVerdict(responder, mode: "good")
        #expect(!good.contains("WARNING"))
        #expect(try responder.stats()["requests"] == expectations.count + 2)
    }

    @Test func answersTheRequestsOwnCertIDIncludingSHA512AndEchoesTheNonce() throws {
        let responder = try FaultResponder()
        let (response, text) = try opensslVerdict(responder, mode: "good", request: fixture.longRequest)
        #expect(response.method == .post)
        #expect(text.contains("Hash Algorithm: sha512"))
        #expect(text.contains("OCSP Nonce"))
    }

    @Test func revokedListAppliesInGoodMode() throws {
        let responder = try FaultResponder(extraArguments: ["--revoked", fixture.leaf.serial])
        let (_, text) = try opensslVerdict(responder, mode: "good")
        #expect(text.contains("\(fixture.leaf.certificatePath): revoked"))
    }

    @Test func delegatedResponderSignsAndIsIncluded() throws {
        let signer = try fixture.pki.makeOCSPResponder(delegated: true)
        let responder = try FaultResponder(extraArguments: [
            "--responder-cert", signer.certificatePath, "--responder-key", signer.keyPath,
        ])
        let (_, text) = try opensslVerdict(responder, mode: "good")
        #expect(text.contains("Response verify OK"))
        #expect(text.contains("stapled Test OCSP Responder"))
    }

    @Test func certIDOfAnotherIssuerIsUnauthorized() throws {
        let responder = try FaultResponder()
        let directory = try TemporaryDirectory(prefix: "other-issuer")
        let path = directory.file("request.der")
        try ChildProcess.runChecked([
            "openssl", "ocsp", "-issuer", fixture.pki.root.certificatePath, "-cert", fixture.leaf.certificatePath,
            "-no_nonce", "-reqout", path,
        ])
        let request = try TransportFixture.read(path)
        let (_, text) = try opensslVerdict(responder, mode: "good", request: request)
        #expect(text.contains("Responder Error: unauthorized"))
    }

    @Test func survivesGarbageRequests() throws {
        let responder = try FaultResponder()
        let stream = try TCPStream.connect(port: UInt16(responder.port), timeout: .seconds(5))
        try stream.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
        let answer = String(decoding: try stream.readToEOF(), as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        let junk = try TCPStream.connect(port: UInt16(responder.port), timeout: .seconds(5))
        try junk.write("\u{1}\u{2}garbage\r\n\r\n")
        _ = try? junk.readToEOF()
        #expect(responder.process.isRunning)
        _ = try client.fetch(url: responder.url, request: fixture.shortRequest, settings: .test).response()
        #expect(responder.requestLog.contains { $0.contains("malformedRequest") })
    }
}
