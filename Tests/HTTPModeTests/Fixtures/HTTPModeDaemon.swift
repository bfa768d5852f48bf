import Foundation
import TestSupport

/// A running `stapled` with one `mode http` frontend (`web`, on 127.0.0.1:0) relaying to one
/// upstream of loopback servers. Stopped (SIGTERM, then SIGKILL by PID) by `stop()` or deinit.
final class HTTPModeDaemon {
    let child: ChildProcess
    let directory: TemporaryDirectory
    let port: UInt16
    let pki: HTTPModePKI

    var log: String { child.stderr }

    /// - Parameters:
    ///   - frontend: extra directives inside the frontend block.
    ///   - upstream: extra directives inside the upstream block.
    init(upstreamPorts: [UInt16], frontend: [String] = [], upstream: [String] = [], workers: Int = 1) throws {
        pki = try HTTPModePKI.shared()
        directory = try TemporaryDirectory(prefix: "stapled-http")
        var lines = [
            "workers \(workers);",
            "stapling {", "    cache_dir \(StapledConfigText.quoted(directory.file("ocsp-cache")));", "}",
            "upstream app {",
        ]
        lines += upstreamPorts.map { "    server 127.0.0.1:\($0);" }
        lines += upstream.map { "    " + $0 }
        lines += [
            "}", "frontend web {", "    listen 127.0.0.1:0;", "    mode http;", "    upstream app;",
            "    certificate \(StapledConfigText.quoted(pki.leaf.chainPath)) \(StapledConfigText.quoted(pki.leaf.keyPath));",
        ]
        lines += frontend.map { "    " + $0 }
        lines.append("}")
        let configPath = try directory.write(lines.joined(separator: "\n") + "\n", to: "stapled.conf")
        child = try ChildProcess.startStapled(["-c", configPath, "--log-level", "debug"])
        port = try child.listeningPort(frontend: "web")
    }

    /// A TLS connection to the frontend (SNI `a.test`, verified, offering h2 and http/1.1).
    func connect(timeout: Duration = .seconds(15)) throws -> HTTPTestClient {
        let options = TLSClientOptions(
            serverName: "a.test", caFile: pki.rootPath, verifyHostname: "a.test", alpn: ["h2", "http/1.1"],
            timeout: timeout)
        return HTTPTestClient(try TLSTestClient.connect(port: port, options: options))
    }

    /// The current length of the log: pass it as `after:` to wait only for newer lines.
    func logMark() -> Int { child.mark(.stderr) }

    @discardableResult
    func waitForLog(containing needle: String, after offset: Int = 0, timeout: Duration = .seconds(10)) throws
        -> String
    {
        try child.waitForOutput(containing: needle, in: .stderr, after: offset, timeout: timeout)
    }

    @discardableResult
    func stop() throws -> Int32 { try child.stop(grace: .seconds(10)) }

    deinit { _ = try? child.stop(grace: .seconds(3)) }
}
