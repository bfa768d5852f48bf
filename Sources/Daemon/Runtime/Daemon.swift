import Config
import Dispatch
import EventLoop
import Glibc
import Logging
import Proxy
import Stapling
import Synchronization

/// The running daemon: a control loop on the main thread (signals, stop) and N worker threads.
public final class Daemon {
    public static let version = "0.1.0"

    private let configPath: String
    private let logger: Logger
    private let control = EventLoop()
    private var generation: Generation
    private var workers: [Worker] = []
    /// Listening sockets by frontend name, one per listen address per worker.
    private var sockets: [(frontend: String, perWorker: [ListeningSocket])] = []
    private var signalWatchers: [SignalWatcher] = []
    private var stopping = false
    private var idleWorkers: IdleWorkerCount?
    private var shutdownTimer: LoopTimer?

    private let registry: StapleSlotRegistry
    private let engine: StaplingEngine

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

    /// Binds, starts the workers and runs until SIGTERM/SIGINT; returns the exit status.
    public func run() -> Int32 {
        // Writes to a closed socket must fail with EPIPE, never kill the process.
        signal(SIGPIPE, SIG_IGN)
        // Signal watchers first: with EVFLAG_SIGNALFD libev blocks these signals in this thread's
        // mask, and every worker thread started afterwards inherits it.
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signalWatchers.append(SignalWatcher(loop: control, signal: number) { [unowned self] in self.signalled($0) })
        }
        let wake = AsyncWatcher(loop: control) { [unowned self] in self.checkStopped() }
        wake.unref()
        idleWorkers = IdleWorkerCount(wake: wake)

        let count = workerCount(generation.config.workers)
        workers = (0..<count).map { Worker(index: $0, logger: logger) }
        do {
            try bindListeners()
        } catch {
            logger.critical("\(error)")
            return 1
        }
        settleFirstStaples()
        for worker in workers { worker.start() }
        logger.notice(
            "ready",
            metadata: [
                "workers": "\(count)", "frontends": "\(generation.frontends.count)", "version": "\(Self.version)",
                "config": "\(configPath)",
            ])
        control.run()
        for worker in workers { worker.join() }
        let engine = self.engine
        _ = BlockingWait.run(timeout: 2) { await engine.shutdown() }
        logger.notice("stopped")
        return 0
    }

    /// Gets every certificate's first staple (cache or fetch) before accepting, within
    /// `startup_wait`, so the first handshakes after a start are stapled.
    private func settleFirstStaples() {
        let engine = self.engine
        let targets = generation.targets
        let wait = generation.config.stapling.startupWait.seconds
        if !BlockingWait.run(timeout: wait, { await engine.activate(targets) }) {
            logger.warning(
                "start-up wait for first staples ended; serving now, fetches continue in the background",
                metadata: ["startup_wait": "\(wait)s"])
        }
        let statuses = BlockingWait.value(timeout: 2) { await engine.statuses() } ?? []
        logger.notice("stapling: \(StaplingSummary(statuses).line)")
    }

    private func workerCount(_ setting: WorkerCount) -> Int {
        switch setting {
        case .count(let n): return n
        case .auto: return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        }
    }

    /// One SO_REUSEPORT socket per listen address per worker. With port 0 the first bind picks the
    /// port and the other workers bind the same one.
    private func bindListeners() throws(StartupError) {
        for frontend in generation.frontends {
            var all: [ListeningSocket] = []
            for listen in frontend.config.listens {
                guard var address = SocketAddress(ipLiteral: listen.value.host, port: listen.value.port) else {
                    throw StartupError("listen: \(listen.value) is not an IP address", at: listen.location)
                }
                for worker in workers {
                    let socket: ListeningSocket
                    do {
                        socket = try ListeningSocket(binding: address)
                    } catch {
                        throw StartupError("listen: \(error)", at: listen.location)
                    }
                    address = socket.address
                    worker.listen(on: socket, frontend: frontend.runtime)
                    all.append(socket)
                }
                logger.info("listening", metadata: ["frontend": "\(frontend.config.name)", "address": "\(address)"])
            }
            sockets.append((frontend.config.name, all))
        }
    }

    private func signalled(_ number: Int32) {
        switch number {
        case SIGHUP:
            logger.warning("SIGHUP received: configuration reload is not available in this version; restart to apply changes")
        default:
            beginStop(signal: number)
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
        logger.notice(
            "stopping: no new connections; waiting for open ones",
            metadata: ["signal": "\(number)", "shutdown_timeout": "\(timeout)s"])
        let idle = idleWorkers
        for worker in workers {
            worker.submit { worker in
                worker.stopAccepting()
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

/// Blocks the calling (non-async) thread until async work finishes or a timeout passes.
enum BlockingWait {
    /// True when `work` finished in time.
    static func run(timeout seconds: Double, _ work: @escaping @Sendable () async -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        return done.wait(timeout: .now() + seconds) == .success
    }

    static func value<T: Sendable>(timeout seconds: Double, _ work: @escaping @Sendable () async -> T) -> T? {
        let box = Mutex<T?>(nil)
        let finished = run(timeout: seconds) {
            let value = await work()
            box.withLock { $0 = value }
        }
        return finished ? box.withLock { $0 } : nil
    }
}
