import Config
import Foundation
import Stapling
import TestSupport
import Testing

@testable import Daemon

@Suite("stapled status: address, client errors", .serialized, .timeLimit(.minutes(1)))
struct StatusQueryTests {
    @Test(
        "--admin forms",
        arguments: [
            ("127.0.0.1:9199", AdminAddress.tcp(HostPort(host: "127.0.0.1", port: 9199))),
            ("[::1]:9199", .tcp(HostPort(host: "::1", port: 9199))),
            ("localhost:80", .tcp(HostPort(host: "localhost", port: 80))),
            ("*:9199", .tcp(HostPort(host: "0.0.0.0", port: 9199))),
            ("/run/stapled/admin.sock", .unix(path: "/run/stapled/admin.sock")),
            ("unix:admin.sock", .unix(path: "admin.sock")),
        ])
    func addressForms(text: String, expected: AdminAddress) throws {
        #expect(try AdminAddressOption.parse(text).get() == expected)
    }

    @Test(
        "invalid --admin values",
        arguments: ["9199", "host", "host:", ":80", "host:0", "host:70000", "[::1]9199", "unix:", "a:b:80"])
    func invalidAddresses(text: String) {
        #expect(throws: AdminClientError.self) { try AdminAddressOption.parse(text).get() }
    }

    @Test("without --admin the address comes from the config's admin directive")
    func fromConfig() throws {
        let directory = try TemporaryDirectory(prefix: "admin-config")
        let base = """
            upstream app {
                server 127.0.0.1:8080;
            }
            frontend web {
                listen 127.0.0.1:0;
                upstream app;
                certificate site.pem site.key;
            }

            """
        let with = try directory.write("admin 127.0.0.1:9299;\n" + base, to: "with.conf")
        #expect(try StatusQuery.address(admin: nil, configPath: with) == .tcp(HostPort(host: "127.0.0.1", port: 9299)))
        #expect(try StatusQuery.address(admin: "/x.sock", configPath: with) == .unix(path: "/x.sock"))
        let without = try directory.write(base, to: "without.conf")
        let missing = #expect(throws: AdminClientError.self) {
            try StatusQuery.address(admin: nil, configPath: without)
        }
        #expect(missing?.message.contains("no \"admin\" directive") == true)
        let unreadable = #expect(throws: AdminClientError.self) {
            try StatusQuery.address(admin: nil, configPath: directory.file("absent.conf"))
        }
        #expect(unreadable?.message.contains("--admin") == true)
    }

    @Test("an unreachable daemon is a clear error, fast")
    func unreachable() throws {
        let port = try freeLoopbackPort()
        let client = AdminHTTPClient(timeout: .seconds(2))
        let refused = #expect(throws: AdminClientError.self) {
            try client.request("GET", "/status", at: .tcp(HostPort(host: "127.0.0.1", port: port)))
        }
        #expect(refused?.message.contains("Connection refused; is stapled running") == true)
        let missing = #expect(throws: AdminClientError.self) {
            try client.request("GET", "/status", at: .unix(path: "/nonexistent/stapled-admin.sock"))
        }
        #expect(missing?.message.contains("No such file or directory") == true)
        #expect(StatusQuery.run(admin: "127.0.0.1:\(port)", configPath: "/nonexistent") == 1)
    }

    @Test("a server that accepts and never answers times out within the deadline")
    func silentServer() throws {
        let listener = try SilentListener()
        let started = ContinuousClock.now
        let error = #expect(throws: AdminClientError.self) {
            try AdminHTTPClient(timeout: .milliseconds(300)).request(
                "GET", "/status", at: .tcp(HostPort(host: "127.0.0.1", port: listener.port)))
        }
        #expect(error?.message.contains("did not answer") == true)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test("a non-200 answer names the status")
    func httpError() throws {
        let harness = try LoopHarness(source: RecordingDataSource(statuses: nil))
        let error = #expect(throws: AdminClientError.self) {
            try StatusQuery.table(at: harness.address, client: AdminHTTPClient())
        }
        #expect(error?.message.contains("answered 503") == true)
    }

    @Test("EngineAdminSource answers from a real stapling engine")
    func engineSource() throws {
        let engine = StaplingEngine(
            settings: StaplingSettings().engineSettings, registry: StapleSlotRegistry(),
            fetcher: OCSPFetchThreadPool(threads: 1), logger: LoopHarness.quietLogger)
        let counters = AdminFixtures.workers()
        let source = EngineAdminSource(engine: engine, version: "v", startedAt: 5) { counters }
        #expect(source.stapleStatuses()?.isEmpty == true)
        #expect(source.workerCounters().count == 2)
        source.requestRefresh()
        source.requestRefresh()
        #expect(source.startedAt == 5)
    }
}

/// A listening socket nobody accepts from: connects succeed (the backlog takes them), reads wait.
final class SilentListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard listening else {
            close(fd)
            throw RawHTTPError(description: "cannot listen on 127.0.0.1")
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }
}
