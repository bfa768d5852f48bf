import Config
import Glibc
import Proxy
import Stapling

extension Daemon {
    /// SIGHUP: build a new generation beside the running one and switch to it, or keep the old one.
    ///
    /// New connections get the new generation; open ones finish on the old (they hold its TLS
    /// contexts). New or changed certificates get their staple before the switch (bounded by
    /// `startup_wait`); unchanged ones keep theirs without a fetch. Listening sockets of addresses
    /// still configured are reused, never closed and re-bound.
    func reload() {
        notifier.reloading()
        logger.notice("reloading configuration", metadata: ["config": "\(configPath)"])
        let next: Generation
        let nextListeners: ListenerSet
        let added: [ListenerSet.Key]
        do {
            let config: StapledConfig
            do {
                config = try ConfigLoader.load(path: configPath)
            } catch {
                throw StartupError("\(error)")
            }
            next = try Generation.load(config, registry: registry)
            (nextListeners, added) = try listeners.binding(next, workers: workers.count)
            if config.workers != generation.config.workers || config.user != generation.config.user
                || config.group != generation.config.group || config.stapling != generation.config.stapling
                || config.admin != generation.config.admin || config.logLevel != generation.config.logLevel
            {
                logger.warning(
                    "workers, user, group, admin, log_level and the stapling block take effect only after a restart; keeping the running values"
                )
            }
        } catch {
            logger.error("reload failed; still serving the previous configuration: \(error)")
            notifier.ready(status: "reload failed: \(error)")
            return
        }
        let summary = settleStaples(of: next, phase: "reload")
        listeners = nextListeners
        startHealthChecks(for: next, previous: generation)
        generation = next
        for (index, worker) in workers.enumerated() {
            let assignment = nextListeners.listeners(of: next, worker: index)
            worker.submit { worker in worker.apply(listeners: assignment) }
        }
        logListening(next, only: Set(added))
        logger.notice("reloaded", metadata: ["frontends": "\(next.frontends.count)", "stapling": "\(summary)"])
        notifier.ready(status: summary)
    }
}
