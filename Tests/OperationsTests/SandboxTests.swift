import Foundation
import TestSupport
import Testing

extension Operations {
    /// The hardening of `systemd/stapled.service`, checked by running the daemon inside an
    /// emulation of it built from the unit itself (see `UnitSandbox`).
    @Suite("The unit's sandbox", .serialized)
    struct SandboxTests {
        static let available = UnitSandbox.unavailableReason() == nil

        @Test("Every [Service] setting of the unit is either emulated by the sandbox test or argued for")
        func everySettingAccountedFor() throws {
            let unit = try UnitFile(path: UnitFile.repositoryUnitPath)
            let unaccounted = UnitSandbox.unaccountedSettings(of: unit)
            #expect(
                unaccounted.isEmpty,
                "\(unaccounted): add to UnitSandbox (emulated or reasonedOnly) and docs/operations.md")
            let unused = UnitSandbox.emulated.union(UnitSandbox.reasonedOnly).subtracting(unit.keys())
            #expect(unused.isEmpty, "settings the emulation knows but the unit no longer sets: \(unused)")
        }

        @Test(
            "The emulation is real: read-only system, writable state directory, nobody, no new privileges, seccomp",
            .enabled(if: available, "needs root, unshare, setpriv, systemd-analyze and python3-seccomp"))
        func emulationIsEffective() throws {
            let place = try SandboxPlace()
            let tmpProbe = "/tmp/stapled-ops-sandbox-probe-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: tmpProbe) }
            let probe = try ChildProcess.run(
                place.sandbox.argv([
                    "/bin/sh", "-c",
                    """
                    touch \(place.etc)/probe 2>/dev/null && echo etc-writable
                    touch \(tmpProbe) && echo tmp-writable
                    touch \(place.state)/probe && echo state-writable
                    grep -E '^(Uid|NoNewPrivs|Seccomp|CapBnd|CapAmb):' /proc/self/status
                    ls /root 2>/dev/null && echo home-visible
                    [ -e /dev/sda ] || [ -e /dev/vda ] || echo devices-private
                    /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)' 2>&1 \
                        | grep -q 'Errno 97' && echo netlink-refused
                    /usr/bin/python3 -c 'import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_WRITE | mmap.PROT_EXEC)'
                    [ $? -eq 159 ] && echo write-execute-trapped
                    true
                    """,
                ]), timeout: .seconds(60))
            let nobody = UnitSandbox.nobodyUID
            #expect(probe.status == 0, "\(probe.stdout)\(probe.stderr)")
            #expect(!probe.stdout.contains("etc-writable"), "\(probe.stdout)")
            #expect(probe.stdout.contains("tmp-writable"), "\(probe.stdout)\(probe.stderr)")
            #expect(!FileManager.default.fileExists(atPath: tmpProbe), "PrivateTmp: the probe reached the host's /tmp")
            #expect(probe.stdout.contains("state-writable"), "\(probe.stdout)\(probe.stderr)")
            #expect(probe.stdout.contains("Uid:\t\(nobody)\t\(nobody)\t\(nobody)\t\(nobody)"), "\(probe.stdout)")
            #expect(probe.stdout.contains("NoNewPrivs:\t1"), "\(probe.stdout)")
            #expect(probe.stdout.contains("Seccomp:\t2"), "\(probe.stdout)")
            #expect(probe.stdout.contains("CapBnd:\t0000000000000400"), "\(probe.stdout)")
            #expect(!probe.stdout.contains("home-visible"), "\(probe.stdout)")
            #expect(probe.stdout.contains("devices-private"), "\(probe.stdout)")
            #expect(probe.stdout.contains("netlink-refused"), "RestrictAddressFamilies: \(probe.stdout)\(probe.stderr)")
            #expect(
                probe.stdout.contains("write-execute-trapped"), "MemoryDenyWriteExecute: \(probe.stdout)\(probe.stderr)"
            )
        }

        @Test(
            "Inside the unit's sandbox stapled checks its config, binds a port below 1024, staples, serves, reloads and stops with 0",
            .enabled(if: available, "needs root, unshare, setpriv, systemd-analyze and python3-seccomp"))
        func daemonRunsInsideTheSandbox() throws {
            let place = try SandboxPlace()
            let pki = try TestPKI()
            let responder = try OCSPResponderProcess.start(
                pki: pki, signer: try pki.makeOCSPResponder(delegated: false))
            defer { responder.stop() }
            // A host name in the AIA URL: the fetch resolves it (getaddrinfo, /etc/hosts) in the sandbox.
            let leaf = try pki.makeLeaf(
                name: "localhost", sans: ["localhost", "127.0.0.1"], ocspURL: "http://localhost:\(responder.port)")
            try responder.reloadIndex()
            let backend = try EchoServer()
            defer { backend.stop() }
            let port = try freePrivilegedPort()
            try place.installCertificate(leaf)
            try place.writeConfig(
                """
                workers auto;
                shutdown_timeout 2s;
                stapling {
                    cache_dir \(place.state)/ocsp;
                }
                upstream app {
                    server 127.0.0.1:\(backend.port);
                }
                frontend web {
                    listen 127.0.0.1:\(port);
                    upstream app;
                    certificate \(place.etc)/site.pem \(place.etc)/site.key;
                }

                """)
            let binary = try place.installBinary()

            // ExecStartPre: the check runs in the same sandbox.
            let check = try ChildProcess.run(
                place.sandbox.argv([binary, "-t", "-c", place.config]), timeout: .seconds(60))
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("test is successful"), "\(check.stdout)\(check.stderr)")

            // ExecStart, with systemd's NOTIFY_SOCKET and WATCHDOG_USEC.
            let notify = try NotifyReceiver(in: place.notifyDirectory)
            let daemon = try OpsDaemon.start(
                configPath: place.config,
                environment: notify.environment.merging(place.sandbox.environment) { $1 },
                argv: place.sandbox.argv([binary, "-c", place.config]))
            defer { _ = try? daemon.stop() }
            let (readyIndex, ready) = try notify.waitFor("READY=1") { $0.has("READY=1") }
            #expect(ready.value("STATUS") == "1 certificate: 1 stapled", "\(ready)\n\(daemon.tail)")
            // `workers auto` counts the CPUs from /sys (ProcSubset=pid hides /proc/cpuinfo, /proc/stat).
            let readyLine = try #require(daemon.lines(containing: " notice ready ").first)
            #expect(
                LogLine.fields(of: readyLine)["workers"] == "\(sysconf(Int32(_SC_NPROCESSORS_ONLN)))", "\(readyLine)")
            #expect(notify.messages.contains { $0.has("WATCHDOG=1") })

            let status = try String(contentsOfFile: "/proc/\(daemon.pid)/status", encoding: .utf8)
            let nobody = UnitSandbox.nobodyUID
            for expected in [
                "Uid:\t\(nobody)\t\(nobody)\t\(nobody)\t\(nobody)", "NoNewPrivs:\t1", "Seccomp:\t2",
                "CapEff:\t0000000000000400", "CapBnd:\t0000000000000400", "CapAmb:\t0000000000000400",
            ] {
                #expect(status.contains(expected), "\(expected) not in /proc/PID/status:\n\(status)")
            }
            let limits = try String(contentsOfFile: "/proc/\(daemon.pid)/limits", encoding: .utf8)
            var hard = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &hard)
            let nofile = min(65_536, Int(hard.rlim_max))
            let openFiles = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }
            #expect(openFiles?.split(separator: " ").filter { $0 == "\(nofile)" }.count == 2, "\(limits)")

            // Serves on the privileged port, stapled, and relays.
            let client = try TLSTestClient.connect(
                port: port,
                options: TLSClientOptions(
                    serverName: "localhost", caFile: pki.rootCertificatePath, verifyHostname: "localhost",
                    requestOCSPStatus: true))
            #expect(client.handshake.peerCertificate?.serial == leaf.serial)
            #expect(client.handshake.stapledOCSPResponse != nil, "\(daemon.tail)")
            try client.write("sandboxed\n")
            #expect(try client.read(exactly: 10) == Array("sandboxed\n".utf8))
            client.close()

            // The cache was written with UMask=0077 as the service user.
            let cacheDirectory = place.state + "/ocsp"
            let cached = try FileManager.default.contentsOfDirectory(atPath: cacheDirectory)
            #expect(cached.contains { $0.hasSuffix(".der") }, "\(cached)")
            for name in cached {
                var info = stat()
                stat(cacheDirectory + "/" + name, &info)
                #expect(info.st_uid == nobody && info.st_mode & 0o077 == 0, "\(name): \(info.st_uid) \(info.st_mode)")
            }

            // SIGHUP: the keys are read again, as the service user.
            let reloaded = try daemon.reload()
            #expect(reloaded.contains(" notice reloaded "), "\(reloaded)\n\(daemon.tail)")
            try notify.waitFor("READY=1 after the reload", from: readyIndex + 1) { $0.has("READY=1") }

            // SIGTERM: a clean exit (a trapped system call would be 128 + SIGSYS).
            let exit = try daemon.stop()
            #expect(exit == 0, "exit status \(exit)\n\(daemon.tail)")
            #expect(
                daemon.lines(containing: " error ").isEmpty && daemon.lines(containing: " critical ").isEmpty,
                "\(daemon.tail)")
        }
    }
}

/// A production-like layout for a sandboxed run, outside /tmp (PrivateTmp hides it): under
/// /var/lib, removed when the object goes away. `etc` is root:nogroup 0750 with a 0640 key, as
/// /etc/stapled is root:stapled; `state` and `run` are the StateDirectory and RuntimeDirectory.
final class SandboxPlace {
    let root: String
    let sandbox: UnitSandbox
    var etc: String { root + "/etc" }
    var state: String { root + "/state" }
    var config: String { etc + "/stapled.conf" }
    var notifyDirectory: String { root + "/notify" }

    init() throws {
        var template = Array("/var/lib/stapled-ops-sandbox-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let created else {
            throw TestSupportError(
                .systemCall, "mkdtemp(/var/lib/stapled-ops-sandbox-*)", String(cString: strerror(errno)))
        }
        root = created
        chmod(root, 0o755)
        do {
            for folder in [root + "/etc", root + "/notify", root + "/scripts"] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            chmod(root + "/etc", 0o750)
            chown(root + "/etc", 0, UnitSandbox.nogroupGID)
            sandbox = try UnitSandbox(
                unit: try UnitFile(path: UnitFile.repositoryUnitPath), directory: root + "/scripts",
                statePath: root + "/state", runtimePath: root + "/run")
        } catch {
            try? FileManager.default.removeItem(atPath: created)
            throw error
        }
    }

    /// Copies the stapled binary to `bin/stapled` (as `make install` does to /usr/bin): the build
    /// directory may be under /tmp, which PrivateTmp hides. Returns its path.
    func installBinary() throws -> String {
        let destination = root + "/bin/stapled"
        try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try StapledBinary.path(), toPath: destination)
        chmod(destination, 0o755)
        return destination
    }

    /// Copies the chain (0644) and key (root:nogroup 0640) into `etc`.
    func installCertificate(_ leaf: TestLeaf) throws {
        for (source, name, mode) in [(leaf.chainPath, "site.pem", 0o644), (leaf.keyPath, "site.key", 0o640)] {
            let destination = etc + "/" + name
            try? FileManager.default.removeItem(atPath: destination)
            try FileManager.default.copyItem(atPath: source, toPath: destination)
            chown(destination, 0, UnitSandbox.nogroupGID)
            chmod(destination, mode_t(mode))
        }
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        chown(config, 0, UnitSandbox.nogroupGID)
        chmod(config, 0o640)
    }

    deinit {
        if ProcessInfo.processInfo.environment["STAPLED_KEEP_TEST_FILES"] == nil {
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}

/// A TCP port below 1024 that is free on 127.0.0.1 now (bound and closed: bind it soon).
func freePrivilegedPort() throws -> UInt16 {
    for port in UInt16(900)..<UInt16(1_000) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { break }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if bound == 0 { return port }
    }
    throw TestSupportError(.notFound, "freePrivilegedPort()", "no free port in 900-999 on 127.0.0.1")
}
