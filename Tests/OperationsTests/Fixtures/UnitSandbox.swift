import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command inside an emulation of the sandbox `systemd/stapled.service` asks systemd for,
/// built from the unit's own settings (systemd cannot run as PID 1 here, so `systemd-run` is out):
///
/// - mount namespace (`unshare`, as root): ProtectSystem=strict (every mount read-only but the
///   state and runtime directories), ProtectHome, PrivateTmp, PrivateDevices (a fresh /dev with
///   null, zero, full, random, urandom, tty), ProtectProc/ProcSubset (a new procfs with
///   hidepid/subset), ProtectKernelTunables/Logs/Modules, ProtectControlGroups; UTS namespace
///   (ProtectHostname);
/// - `setpriv`: User/Group (nobody/nogroup stand in for stapled), CapabilityBoundingSet,
///   AmbientCapabilities, NoNewPrivileges;
/// - a seccomp filter (python3-seccomp) as systemd 252 builds it: SystemCallFilter (groups
///   expanded by `systemd-analyze syscall-filter`), SystemCallArchitectures=native,
///   RestrictAddressFamilies (EAFNOSUPPORT), RestrictNamespaces (clone3 gets ENOSYS),
///   MemoryDenyWriteExecute, LockPersonality, ProtectKernelLogs (syslog); plus UMask and
///   LimitNOFILE. Any other denied system call traps (SIGSYS), stricter than the unit's
///   SystemCallErrorNumber=EPERM, so an unexpected one is loud.
///
/// Settings the emulation does not reproduce are listed in `reasonedOnly` (docs/operations.md
/// explains each); a unit setting in neither list fails the test, so the two cannot drift apart.
struct UnitSandbox {
    /// `[Service]` settings applied by the emulation.
    static let emulated: Set<String> = [
        "User", "Group", "AmbientCapabilities", "CapabilityBoundingSet", "NoNewPrivileges", "StateDirectory",
        "StateDirectoryMode", "RuntimeDirectory", "RuntimeDirectoryMode", "UMask", "LimitNOFILE", "ProtectSystem",
        "PrivateMounts", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
        "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock", "ProtectHostname",
        "ProtectProc", "ProcSubset", "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime",
        "LockPersonality", "MemoryDenyWriteExecute", "SystemCallArchitectures", "SystemCallFilter",
        "SystemCallErrorNumber", "WatchdogSec",
    ]
    /// `[Service]` settings that are not about the sandbox, or that the emulation cannot
    /// reproduce and docs/operations.md argues for instead.
    static let reasonedOnly: Set<String> = [
        "Type", "ExecStartPre", "ExecStart", "ExecReload", "Restart", "RestartSec", "TimeoutStopSec",
        // Only affects file modes the daemon never creates (it makes 0600 files and 0700 dirs).
        "RestrictSUIDSGID",
        // Removes the user's SysV IPC objects when the service stops; stapled creates none.
        "RemoveIPC",
    ]

    let unit: UnitFile
    let directory: String
    let statePath: String
    let runtimePath: String
    private let scriptPath: String
    private let wrapperPath: String
    private let policyPath: String

    /// Writes the scripts and the seccomp policy into `directory`; `statePath` and `runtimePath`
    /// stay writable (StateDirectory=, RuntimeDirectory=) and are handed to nobody.
    init(unit: UnitFile, directory: String, statePath: String, runtimePath: String) throws {
        self.unit = unit
        self.directory = directory
        self.statePath = statePath
        self.runtimePath = runtimePath
        scriptPath = directory + "/sandbox.sh"
        wrapperPath = directory + "/seccomp-exec.py"
        policyPath = directory + "/policy.json"
        try Self.mountScript.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        try Self.seccompWrapper.write(toFile: wrapperPath, atomically: true, encoding: .utf8)
        try policy().write(toFile: policyPath, atomically: true, encoding: .utf8)
        for path in [scriptPath, wrapperPath, policyPath] { chmod(path, 0o755) }
        for (path, setting) in [(statePath, "StateDirectoryMode"), (runtimePath, "RuntimeDirectoryMode")] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let mode = mode_t(unit.value(setting) ?? "0755", radix: 8) ?? 0o755
            chmod(path, mode)
            chown(path, Self.nobodyUID, Self.nogroupGID)
        }
    }

    static var nobodyUID: uid_t { getpwnam("nobody")?.pointee.pw_uid ?? 65_534 }
    static var nogroupGID: gid_t { getgrnam("nogroup")?.pointee.gr_gid ?? 65_534 }

    /// Whether this machine can run the emulation, or why not.
    static func unavailableReason() -> String? {
        if getuid() != 0 { return "needs root (mount namespaces, setpriv)" }
        for tool in ["/usr/bin/unshare", "/usr/bin/setpriv", "/usr/bin/systemd-analyze", "/usr/bin/python3"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "needs \(tool)"
        }
        let probe = try? ChildProcess.run(["/usr/bin/python3", "-c", "import seccomp"], timeout: .seconds(30))
        if probe?.status != 0 { return "needs python3-seccomp (scripts/install-deps.sh installs it)" }
        return nil
    }

    /// `[Service]` settings of `unit` neither emulated nor argued for.
    static func unaccountedSettings(of unit: UnitFile) -> [String] {
        unit.keys().filter { !emulated.contains($0) && !reasonedOnly.contains($0) }
    }

    /// The argument vector that runs `command` in the sandbox (the PID stays the command's:
    /// unshare, sh, setpriv and python3 each exec the next).
    func argv(_ command: [String]) -> [String] {
        let capabilities = (unit.value("AmbientCapabilities") ?? "").split(separator: " ").map {
            "+" + $0.lowercased().replacingOccurrences(of: "cap_", with: "")
        }
        let bounding = (unit.value("CapabilityBoundingSet") ?? "").split(separator: " ").map {
            "+" + $0.lowercased().replacingOccurrences(of: "cap_", with: "")
        }
        var setpriv = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        if !capabilities.isEmpty {
            let list = capabilities.joined(separator: ",")
            setpriv += ["--inh-caps=-all,\(list)", "--ambient-caps=-all,\(list)"]
        }
        setpriv.append("--bounding-set=" + (["-all"] + bounding).joined(separator: ","))
        if unit.value("NoNewPrivileges") == "yes" { setpriv.append("--no-new-privs") }
        var namespaces = ["/usr/bin/unshare", "--mount", "--propagation", "private"]
        if unit.value("ProtectHostname") == "yes" { namespaces.append("--uts") }
        return namespaces + ["/bin/sh", scriptPath, statePath, runtimePath, flags] + setpriv + [
            "--", "/usr/bin/python3", wrapperPath, policyPath, "--",
        ] + command
    }

    /// The environment systemd would add: the watchdog period (NOTIFY_SOCKET comes from the test).
    var environment: [String: String] {
        guard let seconds = unit.value("WatchdogSec").flatMap(UnitFile.seconds) else { return [:] }
        return ["WATCHDOG_USEC": "\(Int(seconds * 1_000_000))"]
    }

    /// The file-system options as one word for the script, e.g. `system=strict,home,tmp,devices`.
    private var flags: String {
        var words = ["system=\(unit.value("ProtectSystem") ?? "no")", "proc=\(unit.value("ProtectProc") ?? "default")"]
        let booleans = [
            ("ProtectHome", "home"), ("PrivateTmp", "tmp"), ("PrivateDevices", "devices"),
            ("ProtectKernelTunables", "tunables"), ("ProtectKernelModules", "modules"),
            ("ProtectKernelLogs", "logs"), ("ProtectControlGroups", "cgroups"),
        ]
        words += booleans.filter { unit.value($0.0) == "yes" }.map(\.1)
        if unit.value("ProcSubset") == "pid" { words.append("subset") }
        return words.joined(separator: ",")
    }

    /// The seccomp policy as JSON for the wrapper.
    private func policy() throws -> String {
        let groups = try Self.syscallGroups()
        var allowed = Set<String>()
        var denied = Set<String>()
        for entry in unit.values("SystemCallFilter") {
            let deny = entry.hasPrefix("~")
            let names = (deny ? String(entry.dropFirst()) : entry).split(separator: " ").map(String.init)
            for name in names {
                let expanded = Self.expand(name, groups: groups)
                if deny { denied.formUnion(expanded) } else { allowed.formUnion(expanded) }
            }
        }
        // systemd always lets these through in allow-list mode.
        allowed.formUnion(["execve", "exit", "exit_group", "getrlimit", "rt_sigreturn", "sigreturn"])
        allowed.subtract(denied)
        if unit.value("ProtectKernelLogs") == "yes" { allowed.remove("syslog") }
        let families = (unit.value("RestrictAddressFamilies") ?? "").split(separator: " ").compactMap {
            ["AF_UNIX": 1, "AF_INET": 2, "AF_INET6": 10][String($0)]
        }
        let object: [String: Any] = [
            "allow": allowed.sorted(),
            "families": families,
            "restrict_namespaces": unit.value("RestrictNamespaces") == "yes",
            "memory_deny_write_execute": unit.value("MemoryDenyWriteExecute") == "yes",
            "lock_personality": unit.value("LockPersonality") == "yes",
            "restrict_realtime": unit.value("RestrictRealtime") == "yes",
            "umask": unit.value("UMask") ?? "0022",
            "nofile": Int(unit.value("LimitNOFILE") ?? "") ?? 0,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Every `@group` of `systemd-analyze syscall-filter` with its members (names and groups).
    static func syscallGroups() throws -> [String: [String]] {
        let output = try ChildProcess.runChecked(["systemd-analyze", "syscall-filter", "--no-pager"]).stdout
        var groups: [String: [String]] = [:]
        var current: String?
        for line in output.split(separator: "\n") {
            if line.hasPrefix("@") {
                current = String(line.prefix { $0 != " " })
                groups[current ?? ""] = []
                continue
            }
            let entry = line.trimmingCharacters(in: .whitespaces)
            guard let group = current, !entry.isEmpty, !entry.hasPrefix("#") else { continue }
            groups[group, default: []].append(entry)
        }
        return groups
    }

    static func expand(_ name: String, groups: [String: [String]], seen: Set<String> = []) -> Set<String> {
        guard name.hasPrefix("@") else { return [name] }
        guard !seen.contains(name), let members = groups[name] else { return [] }
        return members.reduce(into: Set<String>()) { result, member in
            result.formUnion(expand(member, groups: groups, seen: seen.union([name])))
        }
    }

    /// The mount-namespace half, as root: `sandbox.sh STATE RUNTIME FLAGS SETPRIV-ARGV...`.
    static let mountScript = #"""
        #!/bin/sh
        # Emulates the file-system options of systemd/stapled.service in a private mount namespace,
        # then execs the rest of the command line (setpriv ...). Written by Tests/OperationsTests.
        set -eu
        state=$1; runtime=$2; flags=$3; shift 3
        has() { case ",$flags," in *",$1,"*) return 0;; *) return 1;; esac; }
        inaccessible() { [ -e "$1" ] && mount -t tmpfs -o mode=000,ro tmpfs "$1" || true; }
        mounts=$(awk '{print $5}' /proc/self/mountinfo | sort -u)
        # StateDirectory= and RuntimeDirectory= stay writable: bind them onto themselves first.
        mount --bind "$state" "$state"
        mount --bind "$runtime" "$runtime"
        if has devices; then
            mount -t tmpfs -o mode=0755,nosuid,noexec tmpfs /dev
            mknod -m 0666 /dev/null c 1 3; mknod -m 0666 /dev/zero c 1 5; mknod -m 0666 /dev/full c 1 7
            mknod -m 0666 /dev/random c 1 8; mknod -m 0666 /dev/urandom c 1 9; mknod -m 0666 /dev/tty c 5 0
            mkdir /dev/pts /dev/shm
            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
            ln -s /proc/self/fd /dev/fd
            ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
        fi
        procopts=""
        case ",$flags," in *",proc=invisible,"*) procopts="hidepid=invisible";; esac
        if has subset; then procopts="${procopts:+$procopts,}subset=pid"; fi
        if [ -n "$procopts" ]; then mount -t proc -o "nosuid,nodev,noexec,$procopts" proc /proc; fi
        if has tunables; then
            for path in /proc/sys /proc/sysrq-trigger /proc/latency_stats /proc/acpi /proc/irq /proc/bus; do
                if [ -e "$path" ]; then mount --bind "$path" "$path"; mount -o remount,bind,ro "$path"; fi
            done
        fi
        if has logs && [ -e /proc/kmsg ]; then mount --bind /dev/null /proc/kmsg; fi
        case ",$flags," in
        *",system=strict,"*)
            for mountpoint in $mounts; do
                case "$mountpoint" in /proc|/proc/*|/dev|/dev/*) continue;; esac
                mount -o remount,bind,ro "$mountpoint" 2>/dev/null || true
            done;;
        esac
        if has tunables || has cgroups; then
            for mountpoint in $mounts; do
                case "$mountpoint" in /sys|/sys/*) mount -o remount,bind,ro "$mountpoint" 2>/dev/null || true;; esac
            done
        fi
        if has tmp; then
            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
        fi
        if has home; then for path in /home /root /run/user; do inaccessible "$path"; done; fi
        if has modules; then for path in /lib/modules /usr/lib/modules; do inaccessible "$path"; done; fi
        exec "$@"
        """#

    /// The seccomp half, as the service user: `seccomp-exec.py POLICY -- COMMAND...`.
    static let seccompWrapper = #"""
        #!/usr/bin/python3
        # Loads the seccomp filter systemd 252 would build for systemd/stapled.service, sets the
        # umask and RLIMIT_NOFILE, then execs the command. Written by Tests/OperationsTests.
        import errno, json, os, resource, sys
        import seccomp

        policy = json.load(open(sys.argv[1]))
        command = sys.argv[sys.argv.index("--") + 1:]

        os.umask(int(policy["umask"], 8))
        if policy["nofile"]:
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            limit = min(policy["nofile"], hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        # Denied calls trap (SIGSYS): louder than the unit's SystemCallErrorNumber=EPERM.
        f = seccomp.SyscallFilter(defaction=seccomp.TRAP)
        conditional = {"mmap", "mmap2", "mprotect", "pkey_mprotect", "shmat", "socket", "clone", "clone3",
                       "unshare", "setns", "personality", "sched_setscheduler"}

        def rule(action, name, *args):
            try:
                f.add_rule(action, name, *args)
            except (RuntimeError, ValueError, OSError):
                pass  # not a system call of this architecture

        allow = set(policy["allow"])
        for name in sorted(allow - conditional):
            rule(seccomp.ALLOW, name)

        PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
        for name in ("mmap", "mmap2"):
            if name in allow:
                if policy["memory_deny_write_execute"]:
                    rule(seccomp.ALLOW, name, seccomp.Arg(2, seccomp.MASKED_EQ, PROT_WRITE | PROT_EXEC, 0))
                    rule(seccomp.ALLOW, name, seccomp.Arg(2, seccomp.MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_WRITE))
                    rule(seccomp.ALLOW, name, seccomp.Arg(2, seccomp.MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_EXEC))
                else:
                    rule(seccomp.ALLOW, name)
        for name in ("mprotect", "pkey_mprotect"):
            if name in allow:
                if policy["memory_deny_write_execute"]:
                    rule(seccomp.ALLOW, name, seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, 0))
                else:
                    rule(seccomp.ALLOW, name)
        if "shmat" in allow:
            if policy["memory_deny_write_execute"]:
                rule(seccomp.ALLOW, "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, 0))
            else:
                rule(seccomp.ALLOW, "shmat")

        # RestrictAddressFamilies=: other families get EAFNOSUPPORT (glibc's resolver copes).
        if "socket" in allow:
            families = policy["families"]
            if families:
                for family in families:
                    rule(seccomp.ALLOW, "socket", seccomp.Arg(0, seccomp.EQ, family))
                for family in range(0, 64):
                    if family not in families:
                        rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, family))
            else:
                rule(seccomp.ALLOW, "socket")

        # RestrictNamespaces=yes: no namespace flags; clone3 cannot be inspected, so ENOSYS.
        NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80
        if policy["restrict_namespaces"]:
            if "clone" in allow:
                rule(seccomp.ALLOW, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, NAMESPACES, 0))
            if "clone3" in allow:
                rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
            if "unshare" in allow:
                rule(seccomp.ALLOW, "unshare", seccomp.Arg(0, seccomp.MASKED_EQ, NAMESPACES, 0))
        else:
            for name in ("clone", "clone3", "unshare", "setns"):
                if name in allow:
                    rule(seccomp.ALLOW, name)

        # LockPersonality=yes: only PER_LINUX, or the query.
        if "personality" in allow:
            if policy["lock_personality"]:
                rule(seccomp.ALLOW, "personality", seccomp.Arg(0, seccomp.EQ, 0))
                rule(seccomp.ALLOW, "personality", seccomp.Arg(0, seccomp.EQ, 0xFFFFFFFF))
            else:
                rule(seccomp.ALLOW, "personality")

        # RestrictRealtime=yes: only the non-realtime policies (OTHER, BATCH, IDLE, with or without
        # SCHED_RESET_ON_FORK); SCHED_FIFO, SCHED_RR and SCHED_DEADLINE trap.
        if "sched_setscheduler" in allow:
            if policy["restrict_realtime"]:
                for other in (0, 3, 5):
                    for flag in (0, 0x40000000):
                        rule(seccomp.ALLOW, "sched_setscheduler", seccomp.Arg(1, seccomp.EQ, other | flag))
            else:
                rule(seccomp.ALLOW, "sched_setscheduler")

        f.load()
        os.execv(command[0], command)
        """#
}
