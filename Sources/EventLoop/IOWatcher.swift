import CLibEV
import CStapledShims

/// A file-descriptor watcher for hot paths: no closure, no allocation per event.
///
/// The owner allocates it once, passes a `@convention(c)` callback and an unretained pointer to
/// itself as `context`; the callback reads `context` back from the watcher. Events change only
/// through `update(events:)`, which touches epoll only when the set actually changes.
public struct IOWatcher {
    public typealias Callback = @convention(c) (OpaquePointer?, UnsafeMutablePointer<ev_io>?, Int32) -> Void

    /// Owned memory for the C watcher; freed by `deallocate()`.
    public let watcher: UnsafeMutablePointer<ev_io>
    /// The events currently being watched (0: stopped).
    public private(set) var events: Int32 = 0

    public static let read = CStapledShims_EV_READ()
    public static let write = CStapledShims_EV_WRITE()

    public init(fd: Int32, callback: Callback, context: UnsafeMutableRawPointer? = nil) {
        watcher = .allocate(capacity: 1)
        CStapledShims_ev_io_init(watcher, callback, fd, 0)
        watcher.pointee.data = context
    }

    /// Watches `events` from now on (0 stops the watcher).
    public mutating func update(events newEvents: Int32, on loop: EventLoop) {
        guard newEvents != events else { return }
        if events != 0 { ev_io_stop(loop.raw, watcher) }
        events = newEvents
        guard newEvents != 0 else { return }
        // Not ev_io_set: that marks the descriptor as new and costs an epoll_ctl on every change.
        CStapledShims_ev_io_modify(watcher, newEvents)
        ev_io_start(loop.raw, watcher)
    }

    /// Points the watcher, stopped, at a new descriptor (a socket just created or accepted, e.g.
    /// the next upstream server tried): libev registers it with epoll on the next start.
    public mutating func reset(fd: Int32, on loop: EventLoop) {
        update(events: 0, on: loop)
        CStapledShims_ev_io_set(watcher, fd, 0)
    }

    /// Points the watcher, stopped, at a descriptor another watcher of the same loop was watching
    /// and that stayed open since (a kept upstream connection handed between a client connection
    /// and the idle cache). libev's epoll registration carries over: starting it with the events
    /// the other watcher had costs no system call. Never for a descriptor that was closed and
    /// reopened in between: its number could name a socket epoll has never seen.
    public mutating func adopt(fd: Int32, on loop: EventLoop) {
        update(events: 0, on: loop)
        CStapledShims_ev_io_adopt(watcher, fd)
    }

    /// Stops watching and frees the C memory; the watcher must not be used afterwards.
    public mutating func deallocate(on loop: EventLoop) {
        update(events: 0, on: loop)
        watcher.deallocate()
    }

    /// The context pointer given at init, read back inside a callback.
    @inline(__always)
    public static func context(of watcher: UnsafeMutablePointer<ev_io>?) -> UnsafeMutableRawPointer? {
        watcher?.pointee.data
    }
}

/// A one-shot or repeating timer for hot paths, same contract as `IOWatcher`.
public struct TimerWatcher {
    public typealias Callback = @convention(c) (OpaquePointer?, UnsafeMutablePointer<ev_timer>?, Int32) -> Void

    public let watcher: UnsafeMutablePointer<ev_timer>

    public init(callback: Callback, context: UnsafeMutableRawPointer? = nil) {
        watcher = .allocate(capacity: 1)
        CStapledShims_ev_timer_init(watcher, callback, 0, 0)
        watcher.pointee.data = context
    }

    public var isActive: Bool { CStapledShims_ev_is_active(watcher) != 0 }

    /// (Re)starts the timer to fire once after `seconds`.
    public func start(after seconds: Double, on loop: EventLoop) {
        if isActive { ev_timer_stop(loop.raw, watcher) }
        CStapledShims_ev_timer_set(watcher, seconds, 0)
        ev_timer_start(loop.raw, watcher)
    }

    public func stop(on loop: EventLoop) {
        if isActive { ev_timer_stop(loop.raw, watcher) }
    }

    public func deallocate(on loop: EventLoop) {
        stop(on: loop)
        watcher.deallocate()
    }

    @inline(__always)
    public static func context(of watcher: UnsafeMutablePointer<ev_timer>?) -> UnsafeMutableRawPointer? {
        watcher?.pointee.data
    }
}
