import Foundation
import TestSupport
import Testing

extension Operations {
    /// `user`/`group`: started as root, stapled binds and reads its keys, then drops to the
    /// configured identity for good.
    @Suite("Privilege drop", .serialized)
    struct PrivilegeDropTests {
        @Test(
            "Started as root with user nobody; group nogroup; every thread runs as nobody:nogroup and serves",
            .enabled(if: getuid() == 0, "needs root: run the tests as root (CI does) to cover the privilege drop"))
        func dropsToNobody() throws {
            let nobody = try #require(getpwnam("nobody")?.pointee, "no user nobody")
            let nogroup = try #require(getgrnam("nogroup")?.pointee, "no group nogroup")
            let world = try OpsWorld()
            // nobody must reach the cache directory (stapled hands the directory itself over).
            chmod(world.workspace.path, 0o711)
            let responder = try world.startResponder()
            defer { responder.stop() }
            let leaf = try world.makeLeaf(ocspURL: responder.url)
            try responder.reloadIndex()
            try world.install(leaf)
            let backend = try EchoServer()
            defer { backend.stop() }
            var config = world.config(upstreamPort: backend.port)
            config.topLevel = ["user nobody;", "group nogroup;"]
            let daemon = try world.startDaemon(config)
            defer { _ = try? daemon.stop() }

            let ready = try #require(daemon.lines(containing: " notice ready ").first)
            #expect(LogLine.fields(of: ready)["uid"] == "\(nobody.pw_uid)", "\(ready)")
            let threads = try Self.threadIdentities(pid: daemon.pid)
            #expect(threads.count >= 3, "\(threads)")  // main (control loop) and two workers, at least
            let uids = "\(nobody.pw_uid)\t\(nobody.pw_uid)\t\(nobody.pw_uid)\t\(nobody.pw_uid)"
            let gids = "\(nogroup.gr_gid)\t\(nogroup.gr_gid)\t\(nogroup.gr_gid)\t\(nogroup.gr_gid)"
            for thread in threads {
                #expect(thread.uid == uids, "thread \(thread.tid): Uid \(thread.uid)")
                #expect(thread.gid == gids, "thread \(thread.tid): Gid \(thread.gid)")
                #expect(thread.groups == "\(nogroup.gr_gid)", "thread \(thread.tid): Groups \(thread.groups)")
                #expect(thread.effectiveCapabilities == "0000000000000000", "thread \(thread.tid): CapEff")
            }

            // It still serves, stapled, and the staple it fetched after the drop was cached as nobody.
            let handshake = try world.handshake(port: try daemon.port())
            #expect(handshake.peerCertificate?.serial == leaf.serial)
            #expect(handshake.stapledOCSPResponse != nil, "\(daemon.tail)")
            let cached = try FileManager.default.contentsOfDirectory(atPath: world.cacheDirectory)
                .filter { $0.hasSuffix(".der") }
            #expect(cached.count == 1, "\(cached)")
            for name in cached {
                var info = stat()
                stat(world.cacheDirectory + "/" + name, &info)
                #expect(info.st_uid == nobody.pw_uid, "\(name) is owned by uid \(info.st_uid)")
                #expect(info.st_mode & 0o777 == 0o600)
            }

            // Keys are read again on every reload, by nobody now: root-only keys make it fail
            // (and the running configuration stays), readable ones make it succeed.
            let failed = try daemon.reload()
            #expect(failed.contains("reload failed"), "\(failed)")
            #expect(failed.contains("Permission denied") || failed.contains("permission"), "\(failed)")
            chmod(world.keyPath, 0o644)
            let reloaded = try daemon.reload()
            #expect(reloaded.contains(" notice reloaded "), "\(reloaded)")
            #expect(try world.handshake(port: try daemon.port()).stapledOCSPResponse != nil)
            #expect(try daemon.stop() == 0, "\(daemon.tail)")
        }

        @Test("user set but not started as root: a clear start-up error, exit status 1")
        func refusesWithoutRoot() throws {
            let world = try OpsWorld()
            try world.install(try world.makeLeaf(ocspURL: nil))
            let backend = try EchoServer()
            defer { backend.stop() }
            var config = world.config(upstreamPort: backend.port)
            config.topLevel = ["user nobody;"]
            try world.write(config)
            chmod(world.workspace.path, 0o755)
            for file in [world.configPath, world.chainPath, world.keyPath] { chmod(file, 0o644) }
            // As root, run it as nobody (with no way back); otherwise we are not root already.
            var argv = [try StapledBinary.path(), "-c", world.configPath]
            if getuid() == 0 { argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] + argv }
            let result = try ChildProcess.run(argv, timeout: .seconds(30))
            #expect(result.status == 1, "\(result.stderr)")
            #expect(
                result.stderr.contains("critical cannot start: user/group is set but stapled was not started as root"),
                "\(result.stderr)")
        }

        struct ThreadIdentity {
            var tid: String
            /// The `Uid:`/`Gid:` fields of /proc/PID/task/TID/status: real, effective, saved, fs.
            var uid: String
            var gid: String
            var groups: String
            var effectiveCapabilities: String
        }

        /// The identity of every thread of `pid`, from `/proc/PID/task/*/status`.
        static func threadIdentities(pid: pid_t) throws -> [ThreadIdentity] {
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
            return try tasks.sorted().map { tid in
                let status = try String(contentsOfFile: "/proc/\(pid)/task/\(tid)/status", encoding: .utf8)
                func field(_ name: String) -> String {
                    let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
                    return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
                }
                return ThreadIdentity(
                    tid: tid, uid: field("Uid"), gid: field("Gid"), groups: field("Groups"),
                    effectiveCapabilities: field("CapEff"))
            }
        }
    }
}
