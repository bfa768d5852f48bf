import Config
import Foundation
import Glibc
import TestSupport
import Testing

@testable import Daemon

@Suite("Admin endpoint on a unix socket", .serialized, .timeLimit(.minutes(1)))
struct UnixSocketTests {
    @Test("serves /status, /metrics and /ocsp/refresh; the socket is mode 0660 and removed on close")
    func serves() throws {
        let directory = try TemporaryDirectory(prefix: "admin-unix")
        let path = directory.file("admin.sock")
        let harness = try LoopHarness(address: .unix(path: path))
        var info = stat()
        #expect(lstat(path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660)
        let client = AdminHTTPClient(timeout: .seconds(5))
        let status = try client.request("GET", "/status", at: .unix(path: path))
        #expect(status.status == 200)
        #expect(try AdminFixtures.foundationJSON(status.text)["version"] as? String == "9.8.7-test")
        #expect(try client.request("GET", "/metrics", at: .unix(path: path)).status == 200)
        #expect(try client.request("POST", "/ocsp/refresh", at: .unix(path: path)).status == 202)
        #expect(harness.source.refreshes == 1)
        harness.stop()
        #expect(access(path, F_OK) != 0, "the socket file is removed on close")
    }

    @Test("a stale socket file (nobody listening) is replaced")
    func staleSocket() throws {
        let directory = try TemporaryDirectory(prefix: "admin-unix")
        let path = directory.file("admin.sock")
        // A socket file left behind by a process that is gone: bound, never unlinked.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try #require(UnixSocketAddress(path: path))
        #expect(address.withSockAddr { bind(fd, $0, $1) } == 0)
        close(fd)
        let harness = try LoopHarness(address: .unix(path: path))
        #expect(try AdminHTTPClient().request("GET", "/status", at: .unix(path: path)).status == 200)
        harness.stop()
    }

    @Test("a live socket or a regular file at the path is refused, and left in place")
    func refusesToReplace() throws {
        let directory = try TemporaryDirectory(prefix: "admin-unix")
        let path = directory.file("admin.sock")
        let harness = try LoopHarness(address: .unix(path: path))
        let live = #expect(throws: AdminSocketError.self) { try LoopHarness(address: .unix(path: path)) }
        #expect(live?.reason.contains("another process is listening") == true)
        #expect(try AdminHTTPClient().request("GET", "/status", at: .unix(path: path)).status == 200)
        harness.stop()

        let file = try directory.write("not a socket", to: "file.sock")
        let regular = #expect(throws: AdminSocketError.self) { try LoopHarness(address: .unix(path: file)) }
        #expect(regular?.reason.contains("not a socket") == true)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "not a socket")
    }
}
