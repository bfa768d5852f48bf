import Config
import Dispatch
import EventLoop
import Foundation
import Logging

@testable import Daemon

/// An `AdminServer` on its own `EventLoop`, run by a thread of its own as the daemon's control loop
/// is. The server is made before the loop runs; `stop()` closes it on the loop's thread and joins.
final class LoopHarness {
    let source: RecordingDataSource
    let address: AdminAddress
    private let loop: EventLoop
    private let server: AdminServer
    private let stopper: AsyncWatcher
    private let finished = DispatchSemaphore(value: 0)
    private var stopped = false

    static let quietLogger = Logger(label: "admin-tests") { _ in SwiftLogNoOpLogHandler() }

    init(
        address: AdminAddress = .tcp(HostPort(host: "127.0.0.1", port: 0)), limits: AdminServer.Limits = .init(),
        source: RecordingDataSource = RecordingDataSource()
    ) throws {
        let loop = EventLoop()
        let server = try AdminServer(
            address: address, loop: loop, source: source, logger: Self.quietLogger, limits: limits)
        self.loop = loop
        self.server = server
        self.source = source
        self.address = server.address
        stopper = AsyncWatcher(loop: loop) {
            server.close()
            loop.stop()
        }
        let finished = self.finished
        Thread.detachNewThread {
            loop.run()
            finished.signal()
        }
    }

    /// The TCP port the server listens on.
    var port: UInt16 {
        if case .tcp(let hostPort) = address { return hostPort.port }
        return 0
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        stopper.send()
        finished.wait()
    }

    deinit { stop() }
}
