import Foundation
import TestSupport
import Testing

extension Operations {
    /// The sd_notify protocol as systemd (Type=notify, WatchdogSec=) sees it, through a real
    /// `$NOTIFY_SOCKET` datagram socket.
    @Suite("systemd notifications", .serialized)
    struct SystemdNotifyTests {
        @Test("READY=1 comes only once the first staple is in place; then RELOADING=1, READY=1, STOPPING=1 in order")
        func lifecycle() throws {
            let world = try OpsWorld()
            let responder = try FaultResponder(pki: world.pki, mode: "slow:2")
            try world.install(try world.makeLeaf(ocspURL: responder.url))
            let backend = try EchoServer()
            defer { backend.stop() }
            let notify = try NotifyReceiver()

            let started = ContinuousClock.now
            let daemon = try world.startDaemon(
                world.config(upstreamPort: backend.port), environment: notify.environment)
            defer { _ = try? daemon.stop() }
            let (readyIndex, ready) = try notify.waitFor("READY=1") { $0.has("READY=1") }
            // The responder answers after 2 s: readiness waited for the staple, and says so.
            #expect(ready.receivedAt - started >= .seconds(2), "READY=1 after \(ready.receivedAt - started)")
            #expect(ready.value("STATUS") == "1 certificate: 1 stapled", "\(ready)")
            #expect(!notify.messages[..<readyIndex].contains { $0.has("READY=1") })
            #expect(responder.requestLog.count == 1, "\(responder.requestLog)")
            // So the very first handshake after READY=1 is stapled.
            let first = try world.handshake(port: daemon.port())
            #expect(first.stapledOCSPResponse != nil, "no staple right after READY=1\n\(daemon.tail)")

            // SIGHUP: RELOADING=1 with the monotonic time of the reload's start, then READY=1.
            let beforeSignal = monotonicMicroseconds()
            daemon.process.signal(SIGHUP)
            let (reloadingIndex, reloading) = try notify.waitFor("RELOADING=1", from: readyIndex + 1) {
                $0.has("RELOADING=1")
            }
            let afterSignal = monotonicMicroseconds()
            let stamp = try #require(reloading.value("MONOTONIC_USEC").flatMap { Int64($0) }, "\(reloading)")
            #expect(stamp >= beforeSignal && stamp <= afterSignal, "\(beforeSignal) ≤ \(stamp) ≤ \(afterSignal)")
            let (reloadedIndex, reloaded) = try notify.waitFor("READY=1 after the reload", from: reloadingIndex + 1) {
                $0.has("READY=1")
            }
            #expect(reloaded.value("STATUS") == "1 certificate: 1 stapled", "\(reloaded)")

            // SIGTERM: STOPPING=1, then a clean exit.
            daemon.process.signal(SIGTERM)
            let (_, stopping) = try notify.waitFor("STOPPING=1", from: reloadedIndex + 1) { $0.has("STOPPING=1") }
            #expect(stopping.value("STATUS")?.hasPrefix("stopping") == true, "\(stopping)")
            #expect(try daemon.process.waitForExit(timeout: .seconds(15)) == 0, "\(daemon.tail)")

            let lifecycle = notify.messages.compactMap { message in
                ["READY=1", "RELOADING=1", "STOPPING=1"].first { message.has($0) }
            }
            #expect(lifecycle == ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"], "\(notify.messages)")
        }

        @Test("WATCHDOG=1 arrives every half WATCHDOG_USEC, starting before READY=1")
        func watchdog() throws {
            let world = try OpsWorld()
            try world.install(try world.makeLeaf(ocspURL: nil))
            let backend = try EchoServer()
            defer { backend.stop() }
            let notify = try NotifyReceiver()
            let daemon = try world.startDaemon(
                world.config(upstreamPort: backend.port),
                environment: notify.environment.merging(["WATCHDOG_USEC": "2000000"]) { $1 })
            defer { _ = try? daemon.stop() }

            let messages = try notify.waitFor(4, times: "WATCHDOG=1", timeout: .seconds(15))
            let pings = messages.filter { $0.has("WATCHDOG=1") }.map(\.receivedAt)
            let readyIndex = try #require(messages.firstIndex { $0.has("READY=1") })
            let firstPing = try #require(messages.firstIndex { $0.has("WATCHDOG=1") })
            #expect(firstPing < readyIndex, "\(messages)")
            for (earlier, later) in zip(pings, pings.dropFirst()) {
                let gap = later - earlier
                #expect(gap >= .milliseconds(600) && gap <= .milliseconds(1_500), "gap \(gap) for a 2 s watchdog")
            }
        }

        @Test("No WATCHDOG=1 when WATCHDOG_PID names another process")
        func watchdogForAnotherProcess() throws {
            let world = try OpsWorld()
            try world.install(try world.makeLeaf(ocspURL: nil))
            let backend = try EchoServer()
            defer { backend.stop() }
            let notify = try NotifyReceiver()
            let daemon = try world.startDaemon(
                world.config(upstreamPort: backend.port),
                environment: notify.environment.merging(["WATCHDOG_USEC": "500000", "WATCHDOG_PID": "1"]) { $1 })
            defer { _ = try? daemon.stop() }
            let (readyIndex, _) = try notify.waitFor("READY=1") { $0.has("READY=1") }
            // Five would-be periods; a SIGHUP round trip marks the end of the window.
            Thread.sleep(forTimeInterval: 1.25)
            daemon.process.signal(SIGHUP)
            try notify.waitFor("READY=1 after a reload", from: readyIndex + 1) { $0.has("READY=1") }
            #expect(!notify.messages.contains { $0.has("WATCHDOG=1") }, "\(notify.messages)")
        }

        @Test("WATCHDOG=1 keeps coming while a reload waits for a slow responder")
        func watchdogDuringSlowReload() throws {
            let world = try OpsWorld()
            let responder = try FaultResponder(pki: world.pki, mode: "good")
            try world.install(try world.makeLeaf(ocspURL: responder.url))
            let backend = try EchoServer()
            defer { backend.stop() }
            let notify = try NotifyReceiver()
            let daemon = try world.startDaemon(
                world.config(upstreamPort: backend.port),
                environment: notify.environment.merging(["WATCHDOG_USEC": "2000000"]) { $1 })
            defer { _ = try? daemon.stop() }
            let (readyIndex, _) = try notify.waitFor("READY=1") { $0.has("READY=1") }

            // A new certificate whose first staple takes 4 s: the reload waits for it (startup_wait
            // 10 s), longer than the 2 s watchdog period.
            try responder.setMode("slow:4")
            try world.install(try world.makeLeaf(ocspURL: responder.url))
            let outcome = try daemon.reload()
            #expect(outcome.contains(" notice reloaded "), "\(outcome)")
            let (reloadedIndex, reloaded) = try notify.waitFor("READY=1 after the reload", from: readyIndex + 1) {
                $0.has("READY=1")
            }
            #expect(reloaded.value("STATUS") == "1 certificate: 1 stapled", "\(reloaded)")
            // One more ping after the reload closes the window.
            try notify.waitFor("WATCHDOG=1 after the reload", from: reloadedIndex + 1) { $0.has("WATCHDOG=1") }
            let pings = notify.messages.filter { $0.has("WATCHDOG=1") }.map(\.receivedAt)
            let longest = zip(pings, pings.dropFirst()).map { $1 - $0 }.max() ?? .zero
            #expect(longest < .seconds(2), "systemd would have killed the daemon: no WATCHDOG=1 for \(longest)")
        }
    }
}
