import COpenSSL
import CStapledShims
import EventLoop
import Glibc
import Logging

/// Accepts connections on one worker's listening socket for one frontend, in batches.
///
/// When the process runs out of descriptors it stops accepting for a moment instead of spinning on
/// a socket that stays readable, and logs that once per episode.
final class Acceptor {
    unowned(unsafe) let worker: Worker
    let socket: ListeningSocket
    /// Swapped by a reload; connections keep the runtime they were accepted under.
    var frontend: FrontendRuntime
    private var io: IOWatcher
    private var pauseTimer: LoopTimer?
    private var loggedExhaustion = false
    static let batch = 64

    init(worker: Worker, socket: ListeningSocket, frontend: FrontendRuntime) {
        self.worker = worker
        self.socket = socket
        self.frontend = frontend
        io = IOWatcher(fd: socket.fd, callback: Acceptor.readable)
        io.watcher.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    func start() { io.update(events: IOWatcher.read, on: worker.loop) }
    func stop() {
        io.update(events: 0, on: worker.loop)
        pauseTimer?.cancel()
        pauseTimer = nil
    }

    deinit { io.deallocate(on: worker.loop) }

    private static let readable: IOWatcher.Callback = { _, watcher, _ in
        guard let context = IOWatcher.context(of: watcher) else { return }
        Unmanaged<Acceptor>.fromOpaque(context).takeUnretainedValue().acceptBatch()
    }

    private func acceptBatch() {
        let flags = CStapledShims_SOCK_NONBLOCK_CLOEXEC()
        for _ in 0..<Self.batch {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    CStapledShims_accept4(socket.fd, $0, &length, flags)
                }
            }
            if fd >= 0 {
                loggedExhaustion = false
                worker.open(fd: fd, peer: SocketAddress(storage: storage, length: length), frontend: frontend)
                continue
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK:
                return
            case EINTR, ECONNABORTED, EPROTO:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                pause(reason: String(cString: strerror(errno)))
                return
            default:
                worker.logger.error(
                    "accept failed",
                    metadata: ["address": "\(socket.address)", "reason": "\(String(cString: strerror(errno)))"])
                return
            }
        }
    }

    /// Out of descriptors: stop watching the socket for 100 ms (the backlog keeps new clients).
    private func pause(reason: String) {
        if !loggedExhaustion {
            loggedExhaustion = true
            worker.logger.error(
                "cannot accept: \(reason); pausing accepts until descriptors free up",
                metadata: ["address": "\(socket.address)", "open_connections": "\(worker.counters.connectionsOpen)"])
        }
        io.update(events: 0, on: worker.loop)
        pauseTimer = LoopTimer(loop: worker.loop, after: 0.1) { [unowned self] in
            self.pauseTimer = nil
            self.io.update(events: IOWatcher.read, on: self.worker.loop)
        }
    }
}
