import Proxy

extension Daemon {
    /// Starts the health checks of `generation` on the control loop, replacing those of
    /// `previous` (whose servers' health carries over). Call before workers see the generation.
    func startHealthChecks(for generation: Generation, previous: Generation?) {
        healthChecker?.stop()
        let checker = HealthChecker(upstreams: generation.upstreams, loop: control, logger: logger)
        if let previous { checker.inheritHealth(from: previous.upstreams) }
        checker.start()
        healthChecker = checker
    }
}
