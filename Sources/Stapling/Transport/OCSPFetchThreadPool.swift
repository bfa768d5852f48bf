import Glibc
import Synchronization

/// A fixed set of dedicated threads that run OCSP fetches, so that blocking network I/O never
/// happens on an event loop nor on Swift's cooperative pool.
///
/// At most `threads` fetches run at once; further ones wait in a FIFO queue. A task cancelled
/// while its fetch is still queued gets `.cancelled` at once; a fetch already running finishes
/// within its total timeout. The threads block every signal (the daemon's signals are handled by
/// its control loop) and live until `shutdown()` or the pool's release.
public final class OCSPFetchThreadPool: Sendable {
    private let client: OCSPHTTPClient
    private let queue: FetchQueue

    /// Starts `threads` fetch threads (at least one) that fetch with `client`.
    public init(threads: Int, client: OCSPHTTPClient = OCSPHTTPClient()) {
        self.client = client
        let count = max(1, threads)
        queue = FetchQueue(threadCount: count)
        for _ in 0..<count {
            FetchThread.start(queue: queue, client: client)
        }
    }

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
                if job.enqueue(continuation) && !queue.submit(job) {
                    job.finish(.failure(job.error(.poolShutDown)))
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
/// thread per job (and every thread at shutdown).
final class FetchQueue: Sendable {
    private struct State {
        var jobs: [FetchJob] = []
        var isShutDown = false
    }

    private let state = Mutex(State())
    private let available = CountingSemaphore()
    private let threadCount: Int

    init(threadCount: Int) { self.threadCount = threadCount }

    /// Appends `job`; `false` if the pool is shut down.
    func submit(_ job: FetchJob) -> Bool {
        let accepted = state.withLock { state in
            guard !state.isShutDown else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Blocks until a job is available; `nil` once the pool is shut down.
    func next() -> FetchJob? {
        while true {
            available.wait()
            let (job, stop) = state.withLock { state -> (FetchJob?, Bool) in
                if !state.jobs.isEmpty { return (state.jobs.removeFirst(), false) }
                return (nil, state.isShutDown)
            }
            if let job { return job }
            if stop { return nil }
        }
    }

    /// Marks the queue shut down, wakes every thread and returns the jobs that never started.
    func shutDown() -> [FetchJob] {
        let pending = state.withLock { state -> [FetchJob] in
            guard !state.isShutDown else { return [] }
            state.isShutDown = true
            defer { state.jobs.removeAll() }
            return state.jobs
        }
        for _ in 0..<threadCount { available.signal() }
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
