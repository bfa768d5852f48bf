import Config
import Dispatch
import EventLoop
import Glibc
import Logging
import Proxy
import Stapling
import Synchronization

/// The running daemon: a control loop on the main thread (signals, reload, stop, systemd
/// notifications) and N worker threads that serve connections.
public final class Daemon {
    public static let version = "0.1.0"

    let configPath: String
    let logger: Logger
    let control = EventLoop()
    var generation: Generation
    var workers: [Worker] = []
    var listeners = ListenerSet()
    private var signalWatchers: [SignalWatcher] = []
    private var stopping = false
    private var idleWorkers: IdleWorkerCount?
    private var shutdownTimer: LoopTimer?
    private var watchdogTimer: LoopTimer?
    private var adminServer: AdminServer?
    /// Active health checks of the current generation's upstreams (on the control loop).
    var healthChecker: HealthChecker?
    let notifier = SystemdNotifier()
    let registry: StapleSlotRegistry
    let engine: StaplingEngine
    let startedAt = Int64(time(nil))

    /// Takes a loaded generation; nothing is bound or started yet.
    public init(configPath: String, generation: Generation, registry: StapleSlotRegistry, logger: Logger) {
        self.configPath = configPath
        self.generation = generation
        self.registry = registry
        self.logger = logger
        let settings = generation.config.stapling
        engine = StaplingEngine(
            settings: settings.engineSettings, registry: registry,
            fetcher: OCSPFetchThreadPool(threads: settings.maxConcurrentFetches), logger: logger)
    }

    /// Binds, drops privileges, gets first staples, starts the workers and runs until
    /// SIGTERM/SIGINT; returns the exit status.
    public func run() -> Int32 {
        // Writes to a closed socket must fail with EPIPE, never kill the process.
        signal(SIGPIPE, SIG_IGN)
        // Signal watchers first: with EVFLAG_SIGNALFD libev blocks these signals in this thread's
        // mask, and every thread started afterwards inherits it.
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signalWatchers.append(SignalWatcher(loop: control, signal: number) { [unowned self] in self.signalled($0) })
        }
        let wake = AsyncWatcher(loop: control) { [unowned self] in self.checkStopped() }
        wake.unref()
        idleWorkers = IdleWorkerCount(wake: wake)

        let count = workerCount(generation.config.workers)
        workers = (0..<count).map { Worker(index: $0, logger: logger) }
        do {
            listeners = try listeners.binding(generation, workers: count).0
            adminServer = try AdminServer.start(
                generation.config.admin, on: control,
                source: EngineAdminSource(engine: engine, version: Self.version, startedAt: startedAt) {
                    [unowned self] in self.workers.map(\.counters)
                }, logger: logger)
            try PrivilegeDrop.drop(
                user: generation.config.user, group: generation.config.group,
                chown: [generation.config.stapling.cacheDir])
        } catch {
            logger.critical("cannot start: \(error)")
            notifier.status("cannot start: \(error)")
            return 1
        }
        logListening(generation, only: nil)
        // The workers start accepting as soon as the staples are settled; the summary for the
        // log and systemd is gathered after that, off the path to the first handshake.
        let summary = settleStaples(of: generation, phase: "start-up") {
            for (index, worker) in workers.enumerated() {
                for (socket, frontend) in listeners.listeners(of: generation, worker: index) {
                    worker.listen(on: socket, frontend: frontend)
                }
                worker.start()
            }
        }
        startHealthChecks(for: generation, previous: nil)
        startWatchdog()
        logger.notice(
            "ready",
            metadata: [
                "workers": "\(count)", "frontends": "\(generation.frontends.count)", "version": "\(Self.version)",
                "config": "\(configPath)", "uid": "\(getuid())",
            ])
        notifier.ready(status: summary)
        control.run()
        adminServer?.close()
        for worker in workers { worker.join() }
        let engine = self.engine
        _ = BlockingWait.run(timeout: 2) { await engine.shutdown() }
        logger.notice("stopped")
        return 0
    }

    /// Gets the first staple of every new certificate (cache or fetch) within `startup_wait`,
    /// Must-Staple ones first, so the first handshakes are stapled; then runs `settled`. Returns
    /// the one-line summary.
    func settleStaples(of generation: Generation, phase: String, then settled: () -> Void = {}) -> String {
        let engine = self.engine
        let targets = generation.targets
        let wait = generation.config.stapling.startupWait.seconds
        // The control loop is blocked meanwhile: keep systemd's watchdog fed from here.
        let notifier = self.notifier
        let interval = notifier.isEnabled ? SystemdNotifier.watchdogInterval() : nil
        let ping = { notifier.send(["WATCHDOG=1"]) }
        let finished = BlockingWait.run(timeout: wait, tickEvery: interval, tick: ping) {
            await engine.activate(targets)
        }
        let anyStapled = targets.contains { $0.applicability == .fetched || $0.applicability == .staticFile }
        if !finished && anyStapled {
            logger.warning(
                "\(phase) wait for first staples ended; serving now, fetches continue in the background",
                metadata: ["startup_wait": "\(wait)s"])
        }
        settled()
        let statuses = BlockingWait.value(timeout: 2, tickEvery: interval, tick: ping) { await engine.statuses() } ?? []
        let summary = StaplingSummary(statuses).line
        logger.notice("stapling: \(summary)")
        return summary
    }

    func logListening(_ generation: Generation, only added: Set<ListenerSet.Key>?) {
        for frontend in generation.frontends {
            for listen in frontend.config.listens {
                let key = ListenerSet.Key(listen.value, frontend: frontend.config.name)
                guard added?.contains(key) ?? true, let address = listeners.boundAddress(of: key) else { continue }
                logger.info("listening", metadata: ["frontend": "\(frontend.config.name)", "address": "\(address)"])
            }
        }
    }

    private func workerCount(_ setting: WorkerCount) -> Int {
        switch setting {
        case .count(let n): return n
        case .auto: return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        }
    }

    /// `WATCHDOG=1` at half the period systemd asked for, from the control loop: if the loop hangs,
    /// systemd notices.
    private func startWatchdog() {
        guard notifier.isEnabled, let interval = SystemdNotifier.watchdogInterval() else { return }
        let notifier = self.notifier
        notifier.send(["WATCHDOG=1"])
        watchdogTimer = LoopTimer(loop: control, after: interval, repeating: interval) { notifier.send(["WATCHDOG=1"]) }
        watchdogTimer?.unref()
    }

    private func signalled(_ number: Int32) {
        guard !stopping else {
            if number != SIGHUP { beginStop(signal: number) }
            return
        }
        switch number {
        case SIGHUP: reload()
        default: beginStop(signal: number)
        }
    }

    /// Stop accepting, let open connections finish up to `shutdown_timeout`, then close the rest.
    private func beginStop(signal number: Int32) {
        if stopping {
            logger.notice("second stop signal: closing all connections now")
            for worker in workers { worker.submit { $0.closeAll() } }
            return
        }
        stopping = true
        let timeout = generation.config.shutdownTimeout.seconds
        let open = workers.reduce(0) { $0 + $1.counters.connectionsOpen }
        logger.notice(
            "stopping: no new connections; waiting for open ones",
            metadata: ["signal": "\(number)", "shutdown_timeout": "\(timeout)s", "open_connections": "\(open)"])
        notifier.stopping(status: "stopping: \(open) connections open")
        // Close the listening sockets (the workers drop theirs): new clients are refused at once
        // instead of waiting in a backlog nobody accepts from.
        listeners = ListenerSet()
        let idle = idleWorkers
        for worker in workers {
            worker.submit { worker in
                worker.closeListeners()
                worker.whenIdle { idle?.increment() }
            }
        }
        shutdownTimer = LoopTimer(loop: control, after: timeout) { [unowned self] in
            self.logger.warning("shutdown timeout reached: closing remaining connections")
            for worker in self.workers { worker.submit { $0.closeAll() } }
        }
        checkStopped()
    }

    private func checkStopped() {
        guard stopping, let idle = idleWorkers, idle.count == workers.count else { return }
        shutdownTimer?.cancel()
        watchdogTimer?.cancel()
        healthChecker?.stop()
        for worker in workers { worker.submit { $0.stopLoop() } }
        signalWatchers.removeAll()
        idleWorkers = nil
        control.stop()
    }
}

/// Counts workers that have no open connection left, and wakes the control loop on each change.
final class IdleWorkerCount: Sendable {
    private let value = Mutex(0)
    private let wake: AsyncWatcher

    init(wake: AsyncWatcher) { self.wake = wake }

    var count: Int { value.withLock { $0 } }

    func increment() {
        value.withLock { $0 += 1 }
        wake.send()
    }
}
