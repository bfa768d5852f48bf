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
        self.init(at: .allocate(capacity: 1), fd: fd, callback: callback, context: context)
    }

    /// A watcher in memory the caller owns (see `ConnectionWatchers`): stop it with `stop(on:)`,
    /// never `deallocate(on:)`.
    public init(
        at memory: UnsafeMutablePointer<ev_io>, fd: Int32, callback: Callback, context: UnsafeMutableRawPointer?
    ) {
        watcher = memory
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

    /// Stops watching.
    public mutating func stop(on loop: EventLoop) {
        update(events: 0, on: loop)
    }

    /// Stops watching and frees the C memory; the watcher must not be used afterwards.
    public mutating func deallocate(on loop: EventLoop) {
        stop(on: loop)
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
        self.init(at: .allocate(capacity: 1), callback: callback, context: context)
    }

    /// A timer in memory the caller owns (see `ConnectionWatchers`): stop it with `stop(on:)`,
    /// never `deallocate(on:)`.
    public init(at memory: UnsafeMutablePointer<ev_timer>, callback: Callback, context: UnsafeMutableRawPointer?) {
        watcher = memory
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

/// The watchers of one proxied connection (client descriptor, upstream descriptor, one timer)
/// in a single allocation: one malloc per connection instead of three (32 bytes less per
/// connection with glibc's malloc, and two fewer calls per accept).
public struct ConnectionWatchers {
    public var client: IOWatcher
    public var upstream: IOWatcher
    public let timer: TimerWatcher

    private static let ioStride = MemoryLayout<ev_io>.stride
    private static let byteCount = 2 * ioStride + MemoryLayout<ev_timer>.stride

    /// The context pointer of all three is set afterwards with `setContext` (the connection that
    /// owns them does not exist yet while its stored properties are initialized).
    public init(
        clientFD: Int32, client clientCallback: IOWatcher.Callback, upstream upstreamCallback: IOWatcher.Callback,
        timer timerCallback: TimerWatcher.Callback
    ) {
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: Self.byteCount,
            alignment: max(MemoryLayout<ev_io>.alignment, MemoryLayout<ev_timer>.alignment))
        client = IOWatcher(
            at: memory.bindMemory(to: ev_io.self, capacity: 1), fd: clientFD, callback: clientCallback, context: nil)
        upstream = IOWatcher(
            at: (memory + Self.ioStride).bindMemory(to: ev_io.self, capacity: 1), fd: -1, callback: upstreamCallback,
            context: nil)
        timer = TimerWatcher(
            at: (memory + 2 * Self.ioStride).bindMemory(to: ev_timer.self, capacity: 1), callback: timerCallback,
            context: nil)
    }

    /// The pointer each callback reads back (`IOWatcher.context(of:)`).
    public func setContext(_ context: UnsafeMutableRawPointer) {
        client.watcher.pointee.data = context
        upstream.watcher.pointee.data = context
        timer.watcher.pointee.data = context
    }

    /// Stops all three and frees their memory; none may be used afterwards.
    public mutating func deallocate(on loop: EventLoop) {
        client.stop(on: loop)
        upstream.stop(on: loop)
        timer.stop(on: loop)
        UnsafeMutableRawPointer(client.watcher).deallocate()
    }
}
