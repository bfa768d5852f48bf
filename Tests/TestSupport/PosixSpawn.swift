#if canImport(Glibc)
    import Glibc
#endif

/// Where a spawned child's standard streams go: files only, never pipes, so a child that writes a
/// lot can never block on a reader that is not reading.
struct SpawnRedirections {
    var stdinPath: String = "/dev/null"
    var stdoutPath: String
    var stderrPath: String
}

/// `posix_spawn` with the child's signal mask emptied and every signal set back to its default
/// disposition (the test runner's mask and ignored signals, such as SIGPIPE, must not leak into
/// the daemon under test), descriptors above 2 closed, and an optional working directory.
enum PosixSpawn {
    static func spawn(
        _ argv: [String], environment: [String: String]?, cwd: String?, redirections: SpawnRedirections
    ) throws -> pid_t {
        guard let executable = argv.first else {
            throw TestSupportError(.spawnFailed, "posix_spawn", "empty argument vector")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, redirections.stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, redirections.stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, redirections.stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let closeFrom = GNUSpawnExtensions.addCloseFrom {
            _ = closeFrom(&actions, 3)
        }
        if let cwd {
            guard let addChdir = GNUSpawnExtensions.addChdir else {
                throw TestSupportError(
                    .spawnFailed, "posix_spawn", "posix_spawn_file_actions_addchdir_np is unavailable")
            }
            let rc = addChdir(&actions, cwd)
            guard rc == 0 else { throw TestSupportError.systemCall("posix_spawn_file_actions_addchdir_np", errno: rc) }
        }

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let cEnvironment: [UnsafeMutablePointer<CChar>?]? = environment.map { env in
            env.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { cEnvironment?.forEach { free($0) } }

        var pid: pid_t = 0
        let rc: Int32 = cArguments.withUnsafeBufferPointer { argvBuffer in
            guard let argvPointer = argvBuffer.baseAddress else { return EINVAL }
            guard let cEnvironment else {
                return spawnCall(executable, &pid, &actions, &attributes, argvPointer, environ)
            }
            return cEnvironment.withUnsafeBufferPointer { envBuffer in
                guard let envPointer = envBuffer.baseAddress else { return EINVAL }
                return spawnCall(executable, &pid, &actions, &attributes, argvPointer, envPointer)
            }
        }
        guard rc == 0 else {
            throw TestSupportError(
                .spawnFailed, "posix_spawn(\(executable))", "\(String(cString: strerror(rc))) (errno \(rc))")
        }
        return pid
    }

    /// `posix_spawn` for a path, `posix_spawnp` (search PATH) for a bare name.
    private static func spawnCall(
        _ executable: String, _ pid: inout pid_t, _ actions: inout posix_spawn_file_actions_t,
        _ attributes: inout posix_spawnattr_t, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        _ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
    ) -> Int32 {
        if executable.contains("/") {
            return posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        return posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29) and `..._addclosefrom_np` (2.34) are
/// declared only under `_GNU_SOURCE`, which the Glibc module does not define: look them up once.
private enum GNUSpawnExtensions {
    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) ->
        Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }
}
