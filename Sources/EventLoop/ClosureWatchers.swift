import CLibEV
import CStapledShims

/// Timer with a Swift closure, for control paths (not per-connection work).
public final class LoopTimer {
    private let loop: EventLoop
    private let watcher: UnsafeMutablePointer<ev_timer>
    private let handler: () -> Void

    /// Fires after `after` seconds, then every `repeating` seconds if > 0. Starts immediately.
    public init(loop: EventLoop, after: Double, repeating: Double = 0, handler: @escaping () -> Void) {
        self.loop = loop
        self.handler = handler
        watcher = .allocate(capacity: 1)
        CStapledShims_ev_timer_init(
            watcher,
            { _, w, _ in
                guard let data = w?.pointee.data else { return }
                Unmanaged<LoopTimer>.fromOpaque(data).takeUnretainedValue().handler()
            }, after, repeating)
        watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        ev_timer_start(loop.raw, watcher)
    }

    /// Does not keep the loop running by itself (for housekeeping timers).
    public func unref() { ev_unref(loop.raw) }

    public func cancel() {
        if CStapledShims_ev_is_active(watcher) != 0 { ev_timer_stop(loop.raw, watcher) }
    }

    deinit {
        cancel()
        watcher.deallocate()
    }
}

/// Signal watcher with a Swift closure. With EVFLAG_SIGNALFD the signal is read from a signalfd
/// on this loop; create these before any other thread starts so every thread inherits the block.
public final class SignalWatcher {
    private let loop: EventLoop
    private let watcher: UnsafeMutablePointer<ev_signal>
    private let handler: (Int32) -> Void

    public init(loop: EventLoop, signal: Int32, handler: @escaping (Int32) -> Void) {
        self.loop = loop
        self.handler = handler
        watcher = .allocate(capacity: 1)
        CStapledShims_ev_signal_init(
            watcher,
            { _, w, _ in
                guard let w, let data = w.pointee.data else { return }
                Unmanaged<SignalWatcher>.fromOpaque(data).takeUnretainedValue().handler(w.pointee.signum)
            }, signal)
        watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        ev_signal_start(loop.raw, watcher)
    }

    deinit {
        ev_signal_stop(loop.raw, watcher)
        watcher.deallocate()
    }
}

/// Cross-thread wake-up: `send()` may be called from any thread (libev's one thread-safe call);
/// the handler runs on the loop's thread. Sends coalesce: the handler must drain all pending work.
// @unchecked Sendable: only `send()` is used off the loop thread, and ev_async_send is thread-safe.
public final class AsyncWatcher: @unchecked Sendable {
    private let loop: EventLoop
    private let watcher: UnsafeMutablePointer<ev_async>
    private let handler: () -> Void

    public init(loop: EventLoop, handler: @escaping () -> Void) {
        self.loop = loop
        self.handler = handler
        watcher = .allocate(capacity: 1)
        CStapledShims_ev_async_init(watcher) { _, w, _ in
            guard let data = w?.pointee.data else { return }
            Unmanaged<AsyncWatcher>.fromOpaque(data).takeUnretainedValue().handler()
        }
        watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        ev_async_start(loop.raw, watcher)
    }

    /// Does not keep the loop running by itself.
    public func unref() { ev_unref(loop.raw) }

    public func send() { ev_async_send(loop.raw, watcher) }

    deinit {
        ev_async_stop(loop.raw, watcher)
        watcher.deallocate()
    }
}
