import Foundation
import TestSupport

/// How the daemon ended a client's connection.
enum ConnectionEnd: Equatable, CustomStringConvertible {
    /// A TLS close_notify.
    case closeNotify
    /// A TCP FIN without close_notify.
    case eof
    /// A reset (or another socket error): the daemon closed with unread input.
    case reset(String)

    var description: String {
        switch self {
        case .closeNotify: "close_notify"
        case .eof: "EOF without close_notify"
        case .reset(let detail): "reset (\(detail))"
        }
    }
}

extension TLSTestClient {
    /// Reads (and discards) until the daemon ends the connection; throws `.timedOut` if it is
    /// still open after the client's I/O timeout.
    func readUntilClosed() throws -> ConnectionEnd {
        do {
            while !(try read()).isEmpty {}
        } catch let error as TestSupportError where error.code != .timedOut {
            return .reset(error.description)
        }
        return receivedCloseNotify ? .closeNotify : .eof
    }
}

extension TCPStream {
    /// Reads (and discards) until the peer ends the connection; throws `.timedOut` if it is still
    /// open after the stream's I/O timeout.
    func readUntilClosed() throws -> ConnectionEnd {
        do {
            while !(try read()).isEmpty {}
        } catch let error as TestSupportError where error.code != .timedOut {
            return .reset(error.description)
        }
        return .eof
    }
}

/// Waits until the TCP connection on `fd` has reached end of stream (the peer's FIN), without
/// consuming data; false if that did not happen within `timeout`.
func waitForTCPEndOfStream(fd: Int32, timeout: Duration) -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if poll(&pollfd, 1, 50) == 1 {
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
            if n == 0 || (n < 0 && errno != EAGAIN) { return true }
            if n > 0 { return false }  // unread data: not at the end
        }
    }
    return false
}

/// Reads `value` every 20 ms until it equals `expected` or `timeout` passes; returns the last value.
func readRepeatedly<T: Equatable>(until expected: T, timeout: Duration, _ value: () throws -> T) rethrows -> T {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while true {
        let current = try value()
        if current == expected || ContinuousClock.now >= deadline { return current }
        Thread.sleep(forTimeInterval: 0.02)
    }
}
