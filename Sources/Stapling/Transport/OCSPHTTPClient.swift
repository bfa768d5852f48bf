import Glibc
import Synchronization

/// Fetches one OCSP response over HTTP/1.1 with blocking, deadline-bounded I/O.
///
/// Every call resolves the host again, tries each address in order (IPv6 and IPv4) until one
/// connects, sends the request (GET or POST by size, RFC 6960 appendix A), optionally through an
/// HTTP proxy, and accepts only a 200 response with `Content-Type: application/ocsp-response` whose
/// body fits the size cap. Every failure comes back as an `OCSPTransportError` naming the reason.
///
/// `fetch` blocks the calling thread for up to `totalTimeout`: the daemon calls it only from an
/// `OCSPFetchThreadPool` thread, never from an event loop or Swift's cooperative pool.
public struct OCSPHTTPClient: Sendable {
    private let resolver: OCSPHostResolver
    private let trustRoots: OCSPTrustRoots
    private let tls: TLSContextCache

    /// - Parameters:
    ///   - resolver: where host names are resolved; `.system` is `getaddrinfo`.
    ///   - trustRoots: what an `https://` responder's certificate is verified against.
    public init(resolver: OCSPHostResolver = .system, trustRoots: OCSPTrustRoots = .system) {
        self.resolver = resolver
        self.trustRoots = trustRoots
        tls = TLSContextCache()
    }

    /// Sends `der` (a DER-encoded OCSPRequest) to `url` and returns the raw response.
    public func fetch(url: String, request der: [UInt8], settings: OCSPTransportSettings)
        -> Result<OCSPHTTPResponse, OCSPTransportError>
    {
        let started = ContinuousClock.now
        let deadline = TransportDeadline(started + settings.totalTimeout)
        let signals = BrokenPipeSignalBlock()
        defer { signals.restore() }

        var exchange = Exchange(url: url, proxy: settings.proxy)
        do throws(OCSPTransportError.Reason) {
            let target = try OCSPResponderURL(parsing: url)
            let proxy = try settings.proxy.map { text throws(OCSPTransportError.Reason) in
                try OCSPResponderURL.proxy(parsing: text)
            }
            let request = OCSPHTTPRequest(url: target, der: der, absoluteForm: proxy != nil && target.scheme == .http)
            exchange.method = request.method

            let peer = proxy ?? target
            let addresses: [OCSPSocketAddress]
            do {
                addresses = try resolver.resolve(host: peer.host, port: peer.port)
            } catch {
                throw .dnsFailed(host: peer.host, message: error.description)
            }
            guard !addresses.isEmpty else { throw .dnsFailed(host: peer.host, message: "no addresses") }
            guard !deadline.hasPassed else { throw .timeout(.resolve) }

            let socket = try connect(addresses, settings: settings, deadline: deadline, exchange: &exchange)
            var stream: any TransportStream = socket
            if target.scheme == .https {
                if proxy != nil { try openTunnel(through: socket, to: target, deadline: deadline) }
                let context = try tls.context(for: trustRoots)
                stream = try TransportTLSStream(context: context, socket: socket, url: target, deadline: deadline)
            }

            try stream.write(request.bytes, deadline: deadline, phase: .sendRequest)
            var reader = OCSPHTTPResponseReader(stream: stream, deadline: deadline)
            let head = try reader.readHead()
            guard head.statusCode == 200 else { throw .httpStatus(head.statusCode) }
            guard head.hasOCSPContentType else { throw .wrongContentType(head.contentType) }
            let body = try reader.readBody(of: head, cap: settings.maxResponseSize)
            guard !body.isEmpty else { throw .malformedResponse("empty body") }

            return .success(
                OCSPHTTPResponse(
                    statusCode: head.statusCode,
                    contentType: head.contentType,
                    maxAge: head.maxAge,
                    body: body,
                    remoteAddress: socket.remote.description,
                    method: request.method,
                    latency: ContinuousClock.now - started
                )
            )
        } catch {
            return .failure(exchange.error(error))
        }
    }

    /// Connects to the first address that accepts, each attempt bounded by the connect timeout and
    /// all of them by the total deadline; every attempt is recorded in `exchange`.
    private func connect(
        _ addresses: [OCSPSocketAddress],
        settings: OCSPTransportSettings,
        deadline: TransportDeadline,
        exchange: inout Exchange
    ) throws(OCSPTransportError.Reason) -> TransportSocket {
        var lastFailure = OCSPTransportError.Reason.timeout(.connect)
        for address in addresses {
            guard !deadline.hasPassed else { throw .timeout(.connect) }
            let attemptDeadline = TransportDeadline(ContinuousClock.now + settings.connectTimeout).capped(at: deadline)
            do throws(TransportSocket.ConnectFailure) {
                let socket = try TransportSocket.connect(to: address, deadline: attemptDeadline)
                exchange.attempts.append(.init(address: address.description, failure: nil))
                return socket
            } catch {
                switch error {
                case .timedOut:
                    exchange.attempts.append(.init(address: address.description, failure: "connect timed out"))
                    lastFailure = .timeout(.connect)
                case .failed(let message):
                    exchange.attempts.append(.init(address: address.description, failure: message))
                    lastFailure = .connectFailed(address: address.description, message: message)
                }
            }
        }
        throw lastFailure
    }

    /// Asks the proxy on `socket` for a `CONNECT` tunnel to `target`; returns once it answered 2xx.
    private func openTunnel(through socket: TransportSocket, to target: OCSPResponderURL, deadline: TransportDeadline)
        throws(OCSPTransportError.Reason)
    {
        let request =
            "CONNECT \(target.authorityWithPort) HTTP/1.1\r\nHost: \(target.authorityWithPort)\r\n"
            + "User-Agent: stapled\r\n\r\n"
        try socket.write(Array(request.utf8), deadline: deadline, phase: .proxyTunnel)
        var reader = OCSPHTTPResponseReader(stream: socket, deadline: deadline)
        let head: OCSPHTTPResponseHead
        do {
            head = try reader.readHead()
        } catch .timeout(let phase) {
            throw .timeout(phase == .responseHead ? .proxyTunnel : phase)
        } catch {
            throw .proxyFailed("no valid answer to CONNECT \(target.authorityWithPort): \(error)")
        }
        guard (200..<300).contains(head.statusCode) else {
            throw .proxyFailed("CONNECT \(target.authorityWithPort) answered with HTTP status \(head.statusCode)")
        }
        guard reader.unconsumedCount == 0 else {
            throw .proxyFailed("the proxy sent data after its CONNECT response")
        }
    }

    /// What is known about a fetch so far, to build its error.
    private struct Exchange {
        var url: String
        var proxy: String?
        var method: OCSPHTTPMethod?
        var attempts: [OCSPTransportError.ConnectAttempt] = []

        func error(_ reason: OCSPTransportError.Reason) -> OCSPTransportError {
            OCSPTransportError(url: url, reason: reason, attempts: attempts, method: method, proxy: proxy)
        }
    }
}

/// The TLS client context, created on the first `https://` fetch and shared by every later one.
private final class TLSContextCache: Sendable {
    private let context = Mutex<TransportTLSContext?>(nil)

    func context(for trustRoots: OCSPTrustRoots) throws(OCSPTransportError.Reason) -> TransportTLSContext {
        try context.withLock { cached throws(OCSPTransportError.Reason) in
            if let cached { return cached }
            let created = try TransportTLSContext(trustRoots: trustRoots)
            cached = created
            return created
        }
    }
}
