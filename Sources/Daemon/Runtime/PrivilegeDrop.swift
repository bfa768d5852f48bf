import Glibc

/// Drops root to `user`/`group` after binding and reading keys: supplementary groups, then gid,
/// then uid, and refuses to go on if root can be regained.
enum PrivilegeDrop {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Does nothing when neither is set. `chown` lists paths (the OCSP cache) to hand over first.
    static func drop(user: String?, group: String?, chown paths: [String]) throws(Failure) {
        guard user != nil || group != nil else { return }
        guard geteuid() == 0 else {
            throw Failure(description: "user/group is set but stapled was not started as root (euid \(geteuid()))")
        }
        var uid = getuid()
        var gid = getgid()
        if let user {
            guard let entry = getpwnam(user) else { throw Failure(description: "unknown user \"\(user)\"") }
            uid = entry.pointee.pw_uid
            gid = entry.pointee.pw_gid
        }
        if let group {
            guard let entry = getgrnam(group) else { throw Failure(description: "unknown group \"\(group)\"") }
            gid = entry.pointee.gr_gid
        }
        for path in paths { _ = chown(path, uid, gid) }
        var groups = [gid]
        guard setgroups(1, &groups) == 0 else { throw failure("setgroups") }
        guard setgid(gid) == 0 else { throw failure("setgid(\(gid))") }
        guard setuid(uid) == 0 else { throw failure("setuid(\(uid))") }
        if uid != 0 && (setuid(0) == 0 || seteuid(0) == 0) {
            throw Failure(description: "privileges could be regained after dropping to uid \(uid); refusing to run")
        }
        if gid != 0 && uid != 0 && setgid(0) == 0 {
            throw Failure(
                description: "group privileges could be regained after dropping to gid \(gid); refusing to run")
        }
    }

    private static func failure(_ call: String) -> Failure {
        Failure(description: "\(call) failed: \(String(cString: strerror(errno)))")
    }
}
