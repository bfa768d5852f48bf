import Proxy
import Stapling

/// What the admin endpoint reads from the running daemon. Every call is made on the control loop's
/// thread, once per request; none of them may block for long (a bounded wait at most).
protocol AdminDataSource: AnyObject {
    /// The daemon's version (`stapled_build_info`, `/status`).
    var version: String { get }
    /// When the daemon started, in seconds since the epoch.
    var startedAt: Int64 { get }
    /// The counters of every worker, live and retired, summed on each scrape. Reading them takes
    /// no lock: each is a relaxed atomic load.
    func workerCounters() -> [WorkerCounters]
    /// Every certificate's staple state, or nil when the stapling engine did not answer in time
    /// (the endpoint then answers 503 rather than report a certificate list that is not true).
    func stapleStatuses() -> [StapleStatus]?
    /// Starts a fetch now for every fetched certificate and returns at once (`POST /ocsp/refresh`).
    func requestRefresh()
}
