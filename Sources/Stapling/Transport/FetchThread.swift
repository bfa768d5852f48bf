import Glibc

/// The body of one `OCSPFetchThreadPool` thread: take a job, fetch, resume the waiting task, until
/// the queue shuts down.
enum FetchThread {
    /// What a thread needs; passed through `pthread_create`'s `void *` as a retained reference.
    private final class Context {
        let queue: FetchQueue
        let client: OCSPHTTPClient

        init(queue: FetchQueue, client: OCSPHTTPClient) {
            self.queue = queue
            self.client = client
        }
    }

    /// The thread entry point: takes back the retained `Context` and runs the fetch loop.
    private static let entry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { argument in
        guard let argument else { return nil }
        let context = Unmanaged<Context>.fromOpaque(argument).takeRetainedValue()
        let queue = context.queue
        queue.becomeIdle()
        while let job = queue.next() {
            guard job.start() else {
                queue.becomeIdle()
                continue
            }
            let outcome = context.client.fetch(url: job.url, request: job.der, settings: job.settings)
            queue.becomeIdle()
            job.finish(outcome)
        }
        return nil
    }

    /// Starts a detached thread with every signal blocked (set before creation, so there is no
    /// window in which a process signal could land on it). Returns nil, or why it could not.
    static func start(queue: FetchQueue, client: OCSPHTTPClient) -> String? {
        let context = Unmanaged.passRetained(Context(queue: queue, client: client)).toOpaque()
        var all = sigset_t()
        var previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, entry, context)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        guard status == 0 else {
            Unmanaged<Context>.fromOpaque(context).release()
            return "pthread_create: \(String(cString: strerror(status)))"
        }
        pthread_detach(thread)
        return nil
    }
}
