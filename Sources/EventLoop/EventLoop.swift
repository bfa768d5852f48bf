import CLibEV
import CStapledShims

/// One libev loop, used by exactly one thread.
///
/// Created with `EVFLAG_SIGNALFD` so signal watchers work whatever mask the process inherited.
/// Every method except `wake` (via `AsyncWatcher.send`) must be called on the loop's own thread.
// @unchecked Sendable: the loop is handed to the thread that runs it once, before it runs; after
// that only its owning thread touches it (cross-thread wake-ups go through ev_async_send).
public final class EventLoop: @unchecked Sendable {
    /// The `struct ev_loop *`; destroyed in `deinit`.
    public let raw: OpaquePointer

    public init() {
        let flags = CStapledShims_EVFLAG_SIGNALFD() | CStapledShims_EVBACKEND_EPOLL()
        guard let loop = ev_loop_new(flags) ?? ev_loop_new(CStapledShims_EVFLAG_SIGNALFD()) else {
            fatalError("libev: cannot create an event loop (out of file descriptors?)")
        }
        raw = loop
    }

    deinit { ev_loop_destroy(raw) }

    /// Runs until `stop()` is called or no active watcher is left.
    public func run() { _ = ev_run(raw, 0) }

    /// Makes `run()` return after the current iteration.
    public func stop() { ev_break(raw, CStapledShims_EVBREAK_ALL()) }

    /// The loop's cached time (seconds), updated once per iteration: cheap, use it on hot paths.
    public var now: Double { ev_now(raw) }

    /// Refreshes the cached time (a syscall): for after long blocking work only.
    public func updateNow() { ev_now_update(raw) }
}
