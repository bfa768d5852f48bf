import Glibc

/// One direction's bytes in `mode http`: a buffer lent while bytes are in it, the unprocessed
/// range `[start, end)`. Bytes are parsed and forwarded in place; the range only moves to the
/// front (`memmove`) when a read needs room at the end.
struct HTTPStreamBuffer {
    private(set) var memory: UnsafeMutableRawPointer?
    private(set) var start = 0
    private(set) var end = 0

    @inline(__always) var count: Int { end - start }
    @inline(__always) var isEmpty: Bool { start == end }

    /// The unprocessed bytes from `offset` on (valid until the buffer changes).
    @inline(__always)
    func bytes(from offset: Int = 0) -> UnsafeBufferPointer<UInt8> {
        guard let memory else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(
            start: (memory + start + offset).assumingMemoryBound(to: UInt8.self), count: count - offset)
    }

    /// Where the unprocessed bytes start (nil while no buffer is held).
    @inline(__always) var pointer: UnsafeMutableRawPointer? { memory.map { $0 + start } }

    /// Room for a read: takes a buffer if none is held, moves the bytes to the front when the end
    /// is reached; nil when the buffer is full.
    mutating func space(from source: HTTPBufferSource) -> (UnsafeMutableRawPointer, Int)? {
        let memory = self.memory ?? source.take()
        self.memory = memory
        if end == source.capacity && start > 0 { moveToFront(memory) }
        guard end < source.capacity else { return nil }
        return (memory + end, source.capacity - end)
    }

    private mutating func moveToFront(_ memory: UnsafeMutableRawPointer) {
        memmove(memory, memory + start, end - start)
        end -= start
        start = 0
    }

    /// `count` bytes were read into the space `space(from:)` gave.
    @inline(__always)
    mutating func appended(_ count: Int) { end += count }

    /// The first `count` unprocessed bytes are done with.
    @inline(__always)
    mutating func consume(_ count: Int) {
        start += count
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Copies `count` bytes to the end, moving the bytes already here to the front if that makes
    /// room. The caller checked `room(in:)`; never writes past the buffer.
    mutating func append(_ source: UnsafeRawPointer, count: Int, from buffers: HTTPBufferSource) {
        let memory = self.memory ?? buffers.take()
        self.memory = memory
        if buffers.capacity - end < count && start > 0 { moveToFront(memory) }
        let length = min(count, buffers.capacity - end)
        memcpy(memory + end, source, length)
        end += length
    }

    /// Free bytes at the end after moving the bytes to the front (full capacity when none is held).
    func room(in source: HTTPBufferSource) -> Int { source.capacity - count }

    /// Gives the buffer back if nothing is in it: an idle connection holds none.
    mutating func releaseIfEmpty(to source: HTTPBufferSource) {
        guard isEmpty, let memory else { return }
        source.give(memory)
        self.memory = nil
    }

    /// Gives the buffer back, dropping what is in it.
    mutating func release(to source: HTTPBufferSource) {
        if let memory { source.give(memory) }
        memory = nil
        start = 0
        end = 0
    }

    /// The buffer, taken if none is held, to write a head into from its start.
    mutating func take(from source: HTTPBufferSource) -> UnsafeMutableRawPointer {
        let memory = self.memory ?? source.take()
        self.memory = memory
        start = 0
        end = 0
        return memory
    }

    /// The head written into the buffer from its start is `count` bytes long.
    mutating func setCount(_ count: Int) {
        start = 0
        end = count
    }
}

/// Where a connection's buffers come from: the worker's pool when they are its size (the usual
/// case), else plain allocations of `capacity` (a `max_request_header` above the pool's size).
struct HTTPBufferSource {
    let pool: BufferPool
    let capacity: Int

    init(pool: BufferPool, minimumCapacity: Int) {
        self.pool = pool
        capacity = max(pool.bufferSize, minimumCapacity)
    }

    @inline(__always)
    func take() -> UnsafeMutableRawPointer {
        capacity == pool.bufferSize ? pool.take() : .allocate(byteCount: capacity, alignment: 16)
    }

    @inline(__always)
    func give(_ memory: UnsafeMutableRawPointer) {
        if capacity == pool.bufferSize { pool.give(memory) } else { memory.deallocate() }
    }
}
