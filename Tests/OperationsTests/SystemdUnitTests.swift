import Foundation
import TestSupport
import Testing

extension Operations {
    /// `systemd/` and `make install`: the unit passes systemd's own checks, fits the daemon's
    /// defaults, and installs where Debian expects it.
    @Suite("systemd unit and make install", .serialized)
    struct SystemdUnitTests {
        static let hasSystemdAnalyze = FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")

        @Test(
            "systemd-analyze verify passes for the unit installed with its paths in a temp root",
            .enabled(if: hasSystemdAnalyze, "needs systemd-analyze (package systemd; scripts/install-deps.sh)"))
        func verify() throws {
            // The unit names /usr/bin/stapled, which systemd-analyze requires to exist: install into
            // a temp root with PREFIX/SYSCONFDIR pointing there, so the unit names binaries that do.
            let root = try TemporaryDirectory(prefix: "ops-unit-root")
            try Self.makeInstall([
                "PREFIX=\(root.path)/usr", "SYSCONFDIR=\(root.path)/etc",
                "SYSTEMDUNITDIR=\(root.path)/lib/systemd/system",
            ])
            let unitPath = root.file("lib/systemd/system/stapled.service")
            let unit = try UnitFile(path: unitPath)
            #expect(unit.value("ExecStart") == "\(root.path)/usr/bin/stapled -c \(root.path)/etc/stapled/stapled.conf")
            #expect(
                unit.value("ExecStartPre") == "\(root.path)/usr/bin/stapled -t -c \(root.path)/etc/stapled/stapled.conf"
            )
            let result = try ChildProcess.run(["systemd-analyze", "verify", unitPath], timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.isEmpty && result.stdout.isEmpty, "warnings: \(result.stdout)\(result.stderr)")

            // Apart from those paths, the installed unit is the repository's.
            let repository = try UnitFile(path: UnitFile.repositoryUnitPath)
            let pathKeys: Set = ["ExecStart", "ExecStartPre", "Documentation"]
            #expect(
                unit.entries.filter { !pathKeys.contains($0.key) }
                    == repository.entries.filter { !pathKeys.contains($0.key) })
        }

        @Test(
            "systemd-analyze security rates the unit's exposure at most 2.0 (OK)",
            .enabled(if: hasSystemdAnalyze, "needs systemd-analyze (package systemd; scripts/install-deps.sh)"))
        func exposure() throws {
            let result = try ChildProcess.run(
                [
                    "systemd-analyze", "security", "--offline=true", "--threshold=20", "--no-pager",
                    UnitFile.repositoryUnitPath,
                ],
                timeout: .seconds(60))
            let summary = result.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") }
            #expect(result.status == 0, "\(summary ?? "")\n\(result.stderr)")
            print(summary ?? "no summary line")
        }

        @Test("The unit's settings fit the daemon's defaults")
        func settingsFitTheDaemon() throws {
            let unit = try UnitFile(path: UnitFile.repositoryUnitPath)
            let reference = try String(
                contentsOfFile: "\(StapledBinary.packageRoot)/config/stapled.conf", encoding: .utf8)
            func referenceSeconds(_ directive: String) throws -> Double {
                let line = try #require(
                    reference.split(separator: "\n").first {
                        $0.trimmingCharacters(in: .whitespaces).hasPrefix(directive + " ")
                    })
                let value = line.trimmingCharacters(in: .whitespaces).dropFirst(directive.count + 1).dropLast()
                return try #require(UnitFile.seconds(String(value)), "\(line)")
            }

            #expect(unit.value("Type") == "notify")
            #expect(unit.value("ExecReload") == "/bin/kill -HUP $MAINPID")
            #expect(unit.value("ExecStart") == "/usr/bin/stapled -c /etc/stapled/stapled.conf")
            #expect(unit.value("ExecStartPre") == "/usr/bin/stapled -t -c /etc/stapled/stapled.conf")
            #expect(unit.value("Restart") == "on-failure")
            // SIGTERM drains for shutdown_timeout, then the engine gets 2 s: systemd must wait longer.
            let stopTimeout = try #require(unit.value("TimeoutStopSec").flatMap(UnitFile.seconds))
            #expect(stopTimeout >= (try referenceSeconds("shutdown_timeout")) + 5)
            // WATCHDOG=1 every WatchdogSec/2 from the control loop (kept fed during a reload's wait).
            let watchdog = try #require(unit.value("WatchdogSec").flatMap(UnitFile.seconds))
            #expect(watchdog / 2 > (try referenceSeconds("startup_wait")) + 2)
            // The default cache_dir is inside the StateDirectory, which systemd creates for User=.
            let cacheLine = try #require(reference.split(separator: "\n").first { $0.contains("cache_dir ") })
            #expect(cacheLine.contains("/var/lib/\(unit.value("StateDirectory") ?? "?")/"), "\(cacheLine)")
            #expect(unit.value("User") == "stapled" && unit.value("Group") == "stapled")
            let sysusers = try String(
                contentsOfFile: "\(StapledBinary.packageRoot)/systemd/stapled.sysusers", encoding: .utf8)
            #expect(sysusers.contains("u stapled - \"stapled TLS terminator\" /var/lib/stapled"))
            #expect(unit.value("AmbientCapabilities") == "CAP_NET_BIND_SERVICE")
            #expect(unit.value("CapabilityBoundingSet") == "CAP_NET_BIND_SERVICE")
            #expect(unit.value("WantedBy", section: "Install") == "multi-user.target")
        }

        @Test("make install DESTDIR=… installs the binary, unit, sysusers, tmpfiles, config (kept if present) and docs")
        func makeInstall() throws {
            let destination = try TemporaryDirectory(prefix: "ops-destdir")
            try Self.makeInstall(["DESTDIR=\(destination.path)"])
            let expected: [(path: String, mode: mode_t)] = [
                ("usr/bin/stapled", 0o755), ("lib/systemd/system/stapled.service", 0o644),
                ("usr/lib/sysusers.d/stapled.conf", 0o644), ("usr/lib/tmpfiles.d/stapled.conf", 0o644),
                ("etc/stapled", 0o750), ("etc/stapled/stapled.conf", 0o644),
                ("usr/share/doc/stapled/operations.md", 0o644), ("usr/share/doc/stapled/configuration.md", 0o644),
                ("usr/share/doc/stapled/stapling.md", 0o644), ("usr/share/doc/stapled/README.md", 0o644),
                ("usr/share/doc/stapled/stapled.conf", 0o644),
            ]
            for (path, mode) in expected {
                var info = stat()
                #expect(stat(destination.file(path), &info) == 0, "missing \(path)")
                #expect(info.st_mode & 0o7777 == mode, "\(path): mode \(String(info.st_mode & 0o7777, radix: 8))")
            }
            let root = StapledBinary.packageRoot
            #expect(
                FileManager.default.contentsEqual(
                    atPath: destination.file("lib/systemd/system/stapled.service"),
                    andPath: "\(root)/systemd/stapled.service"))
            #expect(
                FileManager.default.contentsEqual(
                    atPath: destination.file("etc/stapled/stapled.conf"), andPath: "\(root)/config/stapled.conf"))
            let installed = try ChildProcess.runChecked([destination.file("usr/bin/stapled"), "--version"])
            #expect(installed.stdout.hasPrefix("stapled "), "\(installed.stdout)")

            // An operator's config survives a second install.
            let edited = "# edited by the operator\n"
            try edited.write(toFile: destination.file("etc/stapled/stapled.conf"), atomically: true, encoding: .utf8)
            let again = try Self.makeInstall(["DESTDIR=\(destination.path)"])
            #expect(again.contains("keeping the existing \(destination.path)/etc/stapled/stapled.conf"), "\(again)")
            #expect(try String(contentsOfFile: destination.file("etc/stapled/stapled.conf"), encoding: .utf8) == edited)
        }

        @Test(
            "systemd-sysusers and systemd-tmpfiles accept the installed files: user stapled, /etc/stapled root:stapled 0750",
            .enabled(
                if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-sysusers")
                    && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-tmpfiles"),
                "needs systemd-sysusers and systemd-tmpfiles (package systemd)"))
        func sysusersAndTmpfiles() throws {
            let destination = try TemporaryDirectory(prefix: "ops-sysroot")
            try Self.makeInstall(["DESTDIR=\(destination.path)"])
            try ChildProcess.runChecked(["systemd-sysusers", "--root=\(destination.path)"], timeout: .seconds(60))
            let passwd = try String(contentsOfFile: destination.file("etc/passwd"), encoding: .utf8)
            let entry = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("stapled:") }, "\(passwd)")
            let fields = entry.split(separator: ":", omittingEmptySubsequences: false)
            #expect(
                fields.count == 7 && fields[4] == "stapled TLS terminator" && fields[5] == "/var/lib/stapled",
                "\(entry)")
            #expect(fields.last == "/usr/sbin/nologin", "\(entry)")
            let group = try String(contentsOfFile: destination.file("etc/group"), encoding: .utf8)
            let gid = try #require(
                group.split(separator: "\n").first { $0.hasPrefix("stapled:") }.flatMap {
                    UInt32($0.split(separator: ":", omittingEmptySubsequences: false)[2])
                })

            chmod(destination.file("etc/stapled"), 0o755)
            try ChildProcess.runChecked(
                ["systemd-tmpfiles", "--root=\(destination.path)", "--create"], timeout: .seconds(60))
            var info = stat()
            stat(destination.file("etc/stapled"), &info)
            #expect(info.st_uid == 0 && info.st_gid == gid, "owner \(info.st_uid):\(info.st_gid)")
            #expect(info.st_mode & 0o7777 == 0o750, "mode \(String(info.st_mode & 0o7777, radix: 8))")
        }

        /// Runs `make install STAPLED_BIN=<the built binary> ARGS` in the package root (no release
        /// build); returns its output.
        @discardableResult
        static func makeInstall(_ arguments: [String]) throws -> String {
            let result = try ChildProcess.runChecked(
                ["make", "--no-print-directory", "install", "STAPLED_BIN=\(try StapledBinary.path())"] + arguments,
                cwd: StapledBinary.packageRoot, timeout: .seconds(120))
            return result.stdout + result.stderr
        }
    }
}
