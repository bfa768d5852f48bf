import Proxy
import Stapling
import Synchronization

@testable import Daemon

/// An `AdminDataSource` with fixed answers that counts refresh requests. Called on the loop's
/// thread, read by the test's: every field is behind a mutex.
final class RecordingDataSource: AdminDataSource, Sendable {
    let version = "9.8.7-test"
    let startedAt = AdminFixtures.startedAt
    private let counters = AdminFixtures.workers()
    private let state: Mutex<(statuses: [StapleStatus]?, refreshes: Int)>

    init(statuses: [StapleStatus]? = AdminFixtures.all) { state = Mutex((statuses, 0)) }

    func workerCounters() -> [WorkerCounters] { counters }
    func stapleStatuses() -> [StapleStatus]? { state.withLock { $0.statuses } }
    func requestRefresh() { state.withLock { $0.refreshes += 1 } }

    var refreshes: Int { state.withLock { $0.refreshes } }
}
