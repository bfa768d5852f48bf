import Proxy

/// The workers' counters summed at one moment (a scrape). Each counter is read with one relaxed
/// atomic load, so the totals are not a single atomic snapshot, only each is monotonic.
struct CounterTotals: Sendable, Equatable {
    var handshakesStapled: UInt64 = 0
    var handshakesRequestedNotStapled: UInt64 = 0
    var handshakesNotRequested: UInt64 = 0
    var handshakeFailures: UInt64 = 0
    var connectionsOpen = 0
    var connectionsAccepted: UInt64 = 0
    var bytesFromClients: UInt64 = 0
    var bytesToClients: UInt64 = 0
    var upstreamConnectErrors: UInt64 = 0

    init() {}

    init(summing workers: [WorkerCounters]) {
        // Wrapping adds: a counter that wraps is read as a reset by Prometheus, never a crash.
        for counters in workers {
            handshakesStapled &+= counters.handshakesStapled
            handshakesRequestedNotStapled &+= counters.handshakesRequestedNotStapled
            handshakesNotRequested &+= counters.handshakesNotRequested
            handshakeFailures &+= counters.handshakeFailures
            connectionsOpen &+= counters.connectionsOpen
            connectionsAccepted &+= counters.connectionsAccepted
            bytesFromClients &+= counters.bytesFromClients
            bytesToClients &+= counters.bytesToClients
            upstreamConnectErrors &+= counters.upstreamConnectErrors
        }
        // A worker's open count is decremented by its own thread; the sum can never be negative,
        // but a torn read across workers must not show it so.
        connectionsOpen = max(0, connectionsOpen)
    }
}
