import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP proxy on loopback that records each request line it receives: absolute-form
/// requests are forwarded in origin form, `CONNECT host:port` opens a tunnel (or is refused with
/// `refuseConnect`). Upstream host names other than IP literals are taken to mean 127.0.0.1.
final class RecordingProxy: Sendable {
    let server: TCPTestServer
    private let recorder: Recorder

    var url: String { "http://127.0.0.1:\(server.port)" }
    var address: String { "127.0.0.1:\(server.port)" }
    /// The request lines received, e.g. `GET http://127.0.0.1:8080/… HTTP/1.1` or `CONNECT localhost:443 HTTP/1.1`.
    var requestLines: [String] { recorder.all.map(\.requestLine) }
    var requests: [ReceivedRequest] { recorder.all }

    /// - Parameter refuseConnect: a status line such as `403 Forbidden` to answer `CONNECT` with.
    init(refuseConnect: String? = nil) throws {
        let recorder = Recorder()
        self.recorder = recorder
        server = try TCPTestServer(name: "proxy", ioTimeout: .seconds(20)) { client in
            guard let request = try ReceivedRequest.read(from: client) else { return }
            recorder.append(request)
            if request.method == "CONNECT" {
                if let refuseConnect {
                    try client.write("HTTP/1.1 \(refuseConnect)\r\nContent-Length: 0\r\n\r\n")
                    return
                }
                let upstream = try Self.connect(authority: request.target)
                try client.write("HTTP/1.1 200 Connection established\r\n\r\n")
                Self.relay(client, upstream)
                return
            }
            // Absolute form: http://host:port/path → origin form to the upstream.
            guard request.target.hasPrefix("http://") else {
                try client.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                return
            }
            let rest = request.target.dropFirst("http://".count)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let upstream = try Self.connect(authority: String(rest[..<slash]))
            let originLine = "\(request.method) \(rest[slash...]) HTTP/1.1"
            let headers = request.head.components(separatedBy: "\r\n").dropFirst().joined(separator: "\r\n")
            try upstream.write(Array((originLine + "\r\n" + headers + "\r\n\r\n").utf8) + request.body)
            Self.relay(client, upstream)
        }
    }

    private static func connect(authority: String) throws -> TCPStream {
        let parts = authority.split(separator: ":")
        guard let portText = parts.last, let port = UInt16(portText) else {
            throw TestSupportError(.protocolViolation, "proxy connect", "bad authority \(authority)")
        }
        let host = parts.dropLast().joined(separator: ":")
        let ipv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return try TCPStream.connect(host: ipv4 ? host : "127.0.0.1", port: port, timeout: .seconds(5))
    }

    /// Copies bytes both ways until the upstream closes (or 20 s pass).
    private static func relay(_ client: TCPStream, _ upstream: TCPStream) {
        var fds = [
            pollfd(fd: client.fileDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: upstream.fileDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        let deadline = ContinuousClock.now + .seconds(20)
        var clientOpen = true
        while ContinuousClock.now < deadline {
            fds[0].events = clientOpen ? Int16(POLLIN) : 0
            guard poll(&fds, 2, 100) > 0 else { continue }
            if clientOpen && fds[0].revents != 0 {
                let bytes = (try? client.read()) ?? []
                if bytes.isEmpty {
                    clientOpen = false
                    upstream.shutdownWrite()
                } else if (try? upstream.write(bytes)) == nil {
                    return
                }
            }
            if fds[1].revents != 0 {
                let bytes = (try? upstream.read()) ?? []
                if bytes.isEmpty || (try? client.write(bytes)) == nil { return }
            }
        }
    }

    deinit { server.stop() }
}
