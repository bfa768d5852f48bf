import Glibc
import Synchronization

/// Dedicated threads that run OCSP fetches, so that blocking network I/O never happens on an
/// event loop nor on Swift's cooperative pool.
///
/// At most `threads` fetches run at once; further ones wait in a FIFO queue. A thread is started
/// when a fetch finds none idle, up to `threads`, and then stays (so a daemon with one certificate
/// runs one, and start-up does not wait for threads it will not use). A task cancelled while its
/// fetch is still queued gets `.cancelled` at once; a fetch already running finishes within its
/// total timeout. The threads block every signal (the daemon's signals are handled by its control
/// loop) and live until `shutdown()` or the pool's release.
public final class OCSPFetchThreadPool: Sendable {
    private let client: OCSPHTTPClient
    private let queue: FetchQueue

    /// A pool of at most `threads` fetch threads (at least one) that fetch with `client`; none
    /// runs before the first fetch.
    public init(threads: Int, client: OCSPHTTPClient = OCSPHTTPClient()) {
        self.client = client
        queue = FetchQueue(maxThreads: max(1, threads))
    }

    /// The threads started so far.
    var threadCount: Int { queue.threadCount }

    /// Dropping the pool shuts it down.
    deinit { shutdown() }

    /// Fetches on one of the pool's threads; see `OCSPHTTPClient.fetch`.
    ///
    /// The total timeout starts when a thread takes the fetch: time spent queued behind `threads`
    /// running fetches is not counted (cancel the task to give up waiting).
    public func fetch(url: String, request der: [UInt8], settings: OCSPTransportSettings) async
        -> Result<OCSPHTTPResponse, OCSPTransportError>
    {
        let job = FetchJob(url: url, der: der, settings: settings)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard job.enqueue(continuation) else { return }
                switch queue.submit(job) {
                case .refused: job.finish(.failure(job.error(.poolShutDown)))
                case .queued: break
                case .queuedWithNewThread:
                    // Out of threads (RLIMIT_NPROC, memory): the threads already running take the
                    // job; with none, it fails like any fetch and the engine retries it later.
                    if let failure = FetchThread.start(queue: queue, client: client) {
                        for stranded in queue.threadDidNotStart() {
                            stranded.finish(.failure(stranded.error(.noFetchThread(failure))))
                        }
                    }
                }
            }
        } onCancel: {
            job.cancel()
        }
    }

    /// Stops the threads once their current fetch ends; queued and later fetches fail with
    /// `.poolShutDown`. Does not wait.
    public func shutdown() {
        for job in queue.shutDown() {
            job.finish(.failure(job.error(.poolShutDown)))
        }
    }
}

/// One fetch and the continuation waiting for it; it moves from created to queued to running to
/// done exactly once, whichever of the submitter, a fetch thread or cancellation gets there first.
final class FetchJob: Sendable {
    typealias Outcome = Result<OCSPHTTPResponse, OCSPTransportError>

    private enum Stage {
        case created
        case queued(CheckedContinuation<Outcome, Never>)
        case running(CheckedContinuation<Outcome, Never>)
        case done
    }

    let url: String
    let der: [UInt8]
    let settings: OCSPTransportSettings
    private let stage = Mutex<Stage>(.created)

    init(url: String, der: [UInt8], settings: OCSPTransportSettings) {
        self.url = url
        self.der = der
        self.settings = settings
    }

    func error(_ reason: OCSPTransportError.Reason) -> OCSPTransportError {
        OCSPTransportError(url: url, reason: reason, proxy: settings.proxy)
    }

    /// Stores the continuation; `false` (and the continuation resumed) if already cancelled.
    func enqueue(_ continuation: CheckedContinuation<Outcome, Never>) -> Bool {
        let queued = stage.withLock { stage in
            guard case .created = stage else { return false }
            stage = .queued(continuation)
            return true
        }
        if !queued { continuation.resume(returning: .failure(error(.cancelled))) }
        return queued
    }

    /// Claims the job for a fetch thread; `false` if it was cancelled or finished meanwhile.
    func start() -> Bool {
        stage.withLock { stage in
            guard case .queued(let continuation) = stage else { return false }
            stage = .running(continuation)
            return true
        }
    }

    /// Resumes the waiting task with `outcome`, unless it was resumed already.
    func finish(_ outcome: Outcome) {
        let continuation = stage.withLock { stage -> CheckedContinuation<Outcome, Never>? in
            switch stage {
            case .queued(let continuation), .running(let continuation):
                stage = .done
                return continuation
            case .created, .done:
                stage = .done
                return nil
            }
        }
        continuation?.resume(returning: outcome)
    }

    /// Cancels the job if no thread has started it; a running fetch is left to finish.
    func cancel() {
        let continuation = stage.withLock { stage -> CheckedContinuation<Outcome, Never>? in
            switch stage {
            case .created:
                stage = .done
                return nil
            case .queued(let continuation):
                stage = .done
                return continuation
            case .running, .done:
                return nil
            }
        }
        continuation?.resume(returning: .failure(error(.cancelled)))
    }
}

/// The pool's FIFO of jobs: a `Mutex`-guarded array and a counting semaphore that wakes one
/// thread per job (and every thread at shutdown). It also decides when the pool needs another
/// thread: a job that finds fewer idle threads than queued jobs gets one, up to the maximum.
final class FetchQueue: Sendable {
    enum Submission: Equatable {
        case refused
        case queued
        /// Queued, and the caller must start a thread (it is already counted).
        case queuedWithNewThread
    }

    private struct State {
        var jobs: [FetchJob] = []
        var isShutDown = false
        var threads = 0
        /// Threads waiting for a job in `next()` or on their way there.
        var idle = 0
    }

    private let state = Mutex(State())
    private let available = CountingSemaphore()
    private let maxThreads: Int

    init(maxThreads: Int) { self.maxThreads = maxThreads }

    var threadCount: Int { state.withLock { $0.threads } }

    /// Appends `job`, unless the pool is shut down.
    func submit(_ job: FetchJob) -> Submission {
        let submission = state.withLock { state -> Submission in
            guard !state.isShutDown else { return .refused }
            state.jobs.append(job)
            guard state.jobs.count > state.idle && state.threads < maxThreads else { return .queued }
            state.threads += 1
            return .queuedWithNewThread
        }
        if submission != .refused { available.signal() }
        return submission
    }

    /// Takes back the count of a thread that `submit` asked for but could not be started. With no
    /// thread left to run them, returns the queued jobs (removed); otherwise nothing.
    func threadDidNotStart() -> [FetchJob] {
        state.withLock { state in
            state.threads -= 1
            guard state.threads == 0 else { return [] }
            defer { state.jobs.removeAll() }
            return state.jobs
        }
    }

    /// Counts the calling thread as idle: it is about to call `next()`. A thread says so before it
    /// hands a result back, so that the caller's next fetch finds it instead of starting another.
    func becomeIdle() { state.withLock { $0.idle += 1 } }

    /// Blocks until a job is available (the caller counted itself idle first); `nil` once the pool
    /// is shut down.
    func next() -> FetchJob? {
        while true {
            available.wait()
            let (job, stop) = state.withLock { state -> (FetchJob?, Bool) in
                if !state.jobs.isEmpty {
                    state.idle -= 1
                    return (state.jobs.removeFirst(), false)
                }
                return (nil, state.isShutDown)
            }
            if let job { return job }
            if stop { return nil }
        }
    }

    /// Marks the queue shut down, wakes every thread and returns the jobs that never started.
    func shutDown() -> [FetchJob] {
        let (pending, threads) = state.withLock { state -> ([FetchJob], Int) in
            guard !state.isShutDown else { return ([], 0) }
            state.isShutDown = true
            defer { state.jobs.removeAll() }
            return (state.jobs, state.threads)
        }
        for _ in 0..<threads { available.signal() }
        return pending
    }
}

/// A POSIX unnamed semaphore.
///
/// `@unchecked Sendable`: `sem_post`/`sem_wait` are thread-safe by POSIX; the pointer is set once
/// in `init` and freed in `deinit`, after every thread that used it is gone.
final class CountingSemaphore: @unchecked Sendable {
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() { sem_init(semaphore, 0, 0) }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    func signal() { sem_post(semaphore) }

    func wait() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }
}
