/// Fixed-size relay buffers for one worker thread, lent only while data is in flight.
///
/// An idle connection holds none; a buffer returns to the pool as soon as it is drained. The pool
/// keeps at most `retainLimit` free buffers so a burst does not pin memory for ever.
/// Not thread-safe: one pool per worker loop.
public final class BufferPool {
    public let bufferSize: Int
    private var free: [UnsafeMutableRawPointer] = []
    private let retainLimit: Int
    /// Buffers currently lent out (for tests and metrics).
    public private(set) var inUse = 0

    public init(bufferSize: Int = 16 * 1024, retainLimit: Int = 256) {
        self.bufferSize = bufferSize
        self.retainLimit = retainLimit
        free.reserveCapacity(retainLimit)
    }

    deinit { for buffer in free { buffer.deallocate() } }

    @inline(__always)
    public func take() -> UnsafeMutableRawPointer {
        inUse += 1
        return free.popLast() ?? .allocate(byteCount: bufferSize, alignment: 16)
    }

    @inline(__always)
    public func give(_ buffer: UnsafeMutableRawPointer) {
        inUse -= 1
        if free.count < retainLimit { free.append(buffer) } else { buffer.deallocate() }
    }
}

/// One direction's pending bytes: a pool buffer plus the unsent range `[start, end)`.
struct RelayBuffer {
    var memory: UnsafeMutableRawPointer?
    var start = 0
    var end = 0

    @inline(__always) var isEmpty: Bool { start == end }
    @inline(__always) var pending: Int { end - start }
    @inline(__always) var pendingBytes: UnsafeMutableRawPointer? { memory.map { $0 + start } }

    /// Returns the buffer to the pool once everything has been sent.
    @inline(__always)
    mutating func releaseIfDrained(to pool: BufferPool) {
        guard start == end, let memory else { return }
        pool.give(memory)
        self.memory = nil
        start = 0
        end = 0
    }

    mutating func release(to pool: BufferPool) {
        if let memory { pool.give(memory) }
        memory = nil
        start = 0
        end = 0
    }
}
