import Glibc
import Proxy
import Stapling
import Synchronization

/// The daemon's `AdminDataSource`: statuses from the stapling engine (a bounded wait on the actor),
/// counters from a closure the daemon answers with its current workers' counters.
final class EngineAdminSource: AdminDataSource {
    let version: String
    let startedAt: Int64
    private let engine: StaplingEngine
    private let counters: () -> [WorkerCounters]
    private let statusWait: Double
    private let refresh = RefreshGate()

    /// - Parameters:
    ///   - counters: called on the control loop for every scrape; include retired workers'
    ///     counters too, or totals go down after a reload (Prometheus reads that as a reset).
    ///   - statusWait: how long a request may wait for the engine actor, in seconds.
    init(
        engine: StaplingEngine, version: String, startedAt: Int64 = Int64(time(nil)), statusWait: Double = 2,
        counters: @escaping () -> [WorkerCounters]
    ) {
        self.engine = engine
        self.version = version
        self.startedAt = startedAt
        self.statusWait = statusWait
        self.counters = counters
    }

    func workerCounters() -> [WorkerCounters] { counters() }

    func stapleStatuses() -> [StapleStatus]? {
        let engine = self.engine
        return BlockingWait.value(timeout: statusWait) { await engine.statuses() }
    }

    /// Refreshes run one at a time: a request while one is running joins it instead of sending every
    /// responder a second round of requests.
    func requestRefresh() {
        guard refresh.begin() else { return }
        let engine = self.engine
        let gate = refresh
        Task {
            await engine.refreshAll()
            gate.end()
        }
    }
}

/// At most one admin-requested refresh round in flight.
final class RefreshGate: Sendable {
    private let running = Atomic<Bool>(false)

    /// True when no round was running and the caller now owns the next one.
    func begin() -> Bool {
        running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    func end() { running.store(false, ordering: .releasing) }
}
