import Synchronization

extension UpstreamRuntime {
    /// One resolved address of one `server` line, with the state every worker shares: active
    /// health (set by the daemon's health checker), passive failures (recorded by workers), and
    /// open connections (least_conn). Reads on the connection path are single atomic loads.
    public final class Server: Sendable, CustomStringConvertible {
        /// What one failed connect did to the server.
        public enum FailureOutcome: Sendable, Equatable {
            /// Counted; fewer than `maxFails` within `failTimeout` so far (or `maxFails` is 0).
            case counted
            /// The server is out for `failTimeout` from now (a transition: log it).
            case disabled
            /// The trial connect after `failTimeout` failed too: out for another `failTimeout`.
            case stillDisabled
        }

        public let address: SocketAddress
        /// The address as configured (host name or literal) and port, for logs.
        public let name: String
        public let weight: Int
        public let maxFails: Int
        /// Seconds.
        public let failTimeout: Double
        public let isBackup: Bool

        /// Active health: false after `fall` failed checks, true again after `rise` passes.
        private let healthy = Atomic<Bool>(true)
        /// Passive failures: the clock time (ns) until which the server is out; 0 when it is not.
        private let disabledUntil = Atomic<Int64>(0)
        /// True while `passive` holds something a successful connect must clear.
        private let hasPassiveState = Atomic<Bool>(false)
        private let passive = Mutex(PassiveFailures())
        private let connections = Atomic<Int>(0)

        private struct PassiveFailures {
            var count = 0
            var windowStart: Int64 = 0
            /// Was disabled: the first connect after `failTimeout` decides (nginx's behaviour).
            var onTrial = false
        }

        public init(
            address: SocketAddress, name: String, weight: Int = 1, maxFails: Int = 1, failTimeout: Double = 10,
            isBackup: Bool = false
        ) {
            self.address = address
            self.name = name
            self.weight = weight
            self.maxFails = maxFails
            self.failTimeout = failTimeout
            self.isBackup = isBackup
        }

        /// `127.0.0.1:8080`, or `app.internal:8080 (10.0.0.5:8080)` for a resolved name.
        public var description: String { name == "\(address)" ? name : "\(name) (\(address))" }

        // MARK: - Health

        /// Up now: healthy by the checks and not out after passive failures.
        public var isUp: Bool { isUp(at: UpstreamClock.monotonic) }

        /// Up at the time of `clock` (read only when a passive failure put the server out).
        @inline(__always)
        public func isUp(at clock: UpstreamClock) -> Bool {
            guard healthy.load(ordering: .relaxed) else { return false }
            let until = disabledUntil.load(ordering: .relaxed)
            return until == 0 || clock.now >= until
        }

        /// Healthy by the active checks (ignores passive failures).
        public var isHealthy: Bool { healthy.load(ordering: .relaxed) }

        /// Sets the active health; returns whether it changed.
        @discardableResult
        public func setHealthy(_ value: Bool) -> Bool {
            healthy.exchange(value, ordering: .relaxed) != value
        }

        /// Whether passive failure detection has the server out at the time of `clock`.
        public func isDisabled(at clock: UpstreamClock) -> Bool {
            let until = disabledUntil.load(ordering: .relaxed)
            return until != 0 && clock.now < until
        }

        /// Records a failed connect (nginx's `max_fails`/`fail_timeout`): `maxFails` failures within
        /// `failTimeout` put the server out for `failTimeout`; then one trial connect decides.
        public func recordFailure(at clock: UpstreamClock) -> FailureOutcome {
            guard maxFails > 0 else { return .counted }
            let now = clock.now
            let window = UpstreamClock.nanoseconds(failTimeout)
            return passive.withLock { state in
                hasPassiveState.store(true, ordering: .relaxed)
                if state.onTrial {
                    disabledUntil.store(now + window, ordering: .relaxed)
                    return .stillDisabled
                }
                if state.count == 0 || now - state.windowStart > window {
                    state.count = 0
                    state.windowStart = now
                }
                state.count += 1
                guard state.count >= maxFails else { return .counted }
                state.count = 0
                state.onTrial = true
                disabledUntil.store(now + window, ordering: .relaxed)
                return .disabled
            }
        }

        /// Records a successful connect: forgets counted failures; returns true when this ends a
        /// period out (a transition: log it). One atomic load when there is nothing to forget.
        @discardableResult
        public func recordSuccess() -> Bool {
            guard hasPassiveState.load(ordering: .relaxed) else { return false }
            return passive.withLock { state in
                let wasOut = state.onTrial
                state = PassiveFailures()
                disabledUntil.store(0, ordering: .relaxed)
                hasPassiveState.store(false, ordering: .relaxed)
                return wasOut
            }
        }

        // MARK: - Connections (least_conn)

        /// Connections (or requests) to this server in progress, over every worker.
        public var activeConnections: Int { connections.load(ordering: .relaxed) }

        func connectionStarted() { connections.add(1, ordering: .relaxed) }
        func connectionFinished() { connections.subtract(1, ordering: .relaxed) }
    }
}
