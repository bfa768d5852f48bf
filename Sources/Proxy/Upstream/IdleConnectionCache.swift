import EventLoop
import Glibc

/// The idle keep-alive connections of one pool on one worker loop: each watched for readability
/// (the server closed it, or sent something unasked: either way it cannot carry a request), at
/// most `capacity` (the oldest goes first), none older than `timeout`.
///
/// Entries and their watchers are allocated once and reused; keeping and taking a connection
/// allocate nothing. One timer, armed for the oldest entry, enforces the timeout.
final class IdleConnectionCache {
    final class Entry {
        unowned(unsafe) let cache: IdleConnectionCache
        var fd: Int32 = -1
        var server = 0
        var since = 0.0
        var io: IOWatcher

        init(cache: IdleConnectionCache) {
            self.cache = cache
            io = IOWatcher(fd: -1, callback: IdleConnectionCache.readable)
            io.watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        }
    }

    let loop: EventLoop
    let capacity: Int
    let timeout: Double
    /// Kept connections, oldest first.
    private var entries: [Entry] = []
    private var spare: [Entry] = []
    private let timer: TimerWatcher

    init(loop: EventLoop, capacity: Int, timeout: Double) {
        self.loop = loop
        self.capacity = capacity
        self.timeout = timeout
        timer = TimerWatcher(callback: IdleConnectionCache.timerFired)
        timer.watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        closeAll()
        for entry in spare { entry.io.deallocate(on: loop) }
        timer.deallocate(on: loop)
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// The most recently kept connection to `server` (the warmest), removed from the cache.
    func take(server: Int) -> Int32? {
        guard let position = entries.lastIndex(where: { $0.server == server }) else { return nil }
        let fd = entries[position].fd
        release(at: position)
        return fd
    }

    func keep(fd: Int32, server: Int) {
        if entries.count >= capacity, !entries.isEmpty { close(at: 0) }
        let entry = spare.popLast() ?? Entry(cache: self)
        entry.fd = fd
        entry.server = server
        entry.since = loop.now
        // The connection that hands it over was watching it on this loop: no new registration.
        entry.io.adopt(fd: fd, on: loop)
        entry.io.update(events: IOWatcher.read, on: loop)
        entries.append(entry)
        if !timer.isActive { timer.start(after: timeout, on: loop) }
    }

    func closeAll() {
        while !entries.isEmpty { close(at: entries.count - 1) }
        timer.stop(on: loop)
    }

    /// Stops watching the entry at `position` and returns it to the spares; its descriptor is
    /// the caller's.
    private func release(at position: Int) {
        let entry = entries.remove(at: position)
        entry.io.update(events: 0, on: loop)
        entry.fd = -1
        spare.append(entry)
    }

    private func close(at position: Int) {
        let fd = entries[position].fd
        release(at: position)
        Glibc.close(fd)
    }

    private static let readable: IOWatcher.Callback = { _, watcher, _ in
        guard let context = IOWatcher.context(of: watcher) else { return }
        let entry = Unmanaged<Entry>.fromOpaque(context).takeUnretainedValue()
        let cache = entry.cache
        if let position = cache.entries.firstIndex(where: { $0 === entry }) { cache.close(at: position) }
    }

    private static let timerFired: TimerWatcher.Callback = { _, watcher, _ in
        guard let context = TimerWatcher.context(of: watcher) else { return }
        Unmanaged<IdleConnectionCache>.fromOpaque(context).takeUnretainedValue().expire()
    }

    /// Closes the entries idle for `timeout` or longer, then waits for the next oldest.
    private func expire() {
        let now = loop.now
        while let oldest = entries.first, now - oldest.since >= timeout { close(at: 0) }
        if let oldest = entries.first { timer.start(after: oldest.since + timeout - now, on: loop) }
    }
}
