import Synchronization

/// Counters of one worker. Written only by the worker's thread with relaxed atomic stores (no
/// lock, no contention); read by anyone and summed across workers on scrape.
public final class WorkerCounters: Sendable {
    private let _handshakes = Atomic<UInt64>(0)
    private let _handshakeFailures = Atomic<UInt64>(0)
    private let _connectionsAccepted = Atomic<UInt64>(0)
    private let _connectionsOpen = Atomic<Int>(0)
    private let _upstreamConnectErrors = Atomic<UInt64>(0)
    private let _bytesFromClients = Atomic<UInt64>(0)
    private let _bytesToClients = Atomic<UInt64>(0)
    private let _handshakesStapled = Atomic<UInt64>(0)
    private let _handshakesRequestedNotStapled = Atomic<UInt64>(0)
    private let _handshakesNotRequested = Atomic<UInt64>(0)

    public init() {}

    // Single writer: load + store instead of a locked read-modify-write.
    public var handshakes: UInt64 {
        get { _handshakes.load(ordering: .relaxed) }
        set { _handshakes.store(newValue, ordering: .relaxed) }
    }
    public var handshakeFailures: UInt64 {
        get { _handshakeFailures.load(ordering: .relaxed) }
        set { _handshakeFailures.store(newValue, ordering: .relaxed) }
    }
    public var connectionsAccepted: UInt64 {
        get { _connectionsAccepted.load(ordering: .relaxed) }
        set { _connectionsAccepted.store(newValue, ordering: .relaxed) }
    }
    public var connectionsOpen: Int {
        get { _connectionsOpen.load(ordering: .relaxed) }
        set { _connectionsOpen.store(newValue, ordering: .relaxed) }
    }
    public var upstreamConnectErrors: UInt64 {
        get { _upstreamConnectErrors.load(ordering: .relaxed) }
        set { _upstreamConnectErrors.store(newValue, ordering: .relaxed) }
    }
    public var bytesFromClients: UInt64 {
        get { _bytesFromClients.load(ordering: .relaxed) }
        set { _bytesFromClients.store(newValue, ordering: .relaxed) }
    }
    public var bytesToClients: UInt64 {
        get { _bytesToClients.load(ordering: .relaxed) }
        set { _bytesToClients.store(newValue, ordering: .relaxed) }
    }
    /// Completed handshakes where the client asked for a staple and got one.
    public var handshakesStapled: UInt64 {
        get { _handshakesStapled.load(ordering: .relaxed) }
        set { _handshakesStapled.store(newValue, ordering: .relaxed) }
    }
    /// Completed handshakes where the client asked for a staple and none was valid.
    public var handshakesRequestedNotStapled: UInt64 {
        get { _handshakesRequestedNotStapled.load(ordering: .relaxed) }
        set { _handshakesRequestedNotStapled.store(newValue, ordering: .relaxed) }
    }
    /// Completed handshakes where the client did not ask for a staple.
    public var handshakesNotRequested: UInt64 {
        get { _handshakesNotRequested.load(ordering: .relaxed) }
        set { _handshakesNotRequested.store(newValue, ordering: .relaxed) }
    }
}
