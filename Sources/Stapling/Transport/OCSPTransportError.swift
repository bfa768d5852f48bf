/// Why an OCSP fetch failed, with what an operator needs to act on it: the URL, the named reason,
/// every address that was tried (and how each attempt ended) and the proxy, if one was used.
public struct OCSPTransportError: Error, Sendable, CustomStringConvertible {
    /// The step of the exchange a timeout or an I/O failure happened in.
    public enum Phase: String, Sendable, Equatable {
        case resolve = "resolving the host name"
        case connect = "connecting"
        case proxyTunnel = "opening the proxy tunnel"
        case tlsHandshake = "the TLS handshake"
        case sendRequest = "sending the request"
        case responseHead = "reading the response head"
        case responseBody = "reading the response body"
    }

    /// The named cause of the failure.
    public enum Reason: Error, Sendable, Equatable, CustomStringConvertible {
        /// The responder or proxy URL cannot be used; the text says why.
        case invalidURL(String)
        /// `getaddrinfo` failed or returned no address.
        case dnsFailed(host: String, message: String)
        /// No address accepted a connection; the last attempt's address and error.
        case connectFailed(address: String, message: String)
        /// The deadline passed during the given phase.
        case timeout(Phase)
        /// The TLS handshake or a TLS record failed; OpenSSL's error text.
        case tlsFailed(String)
        /// The proxy refused or botched the `CONNECT` tunnel.
        case proxyFailed(String)
        /// A socket call failed during the given phase; the errno text.
        case ioFailed(Phase, String)
        /// The peer closed the connection before the response was complete.
        case connectionClosed(Phase)
        /// The responder answered with a status other than 200.
        case httpStatus(Int)
        /// The responder's `Content-Type` is not `application/ocsp-response` (or is missing).
        case wrongContentType(String?)
        /// The response body is larger than the configured cap.
        case bodyTooLarge(cap: Int)
        /// The response is not valid HTTP/1.x; the text says what was wrong.
        case malformedResponse(String)
        /// The fetch was cancelled before it started.
        case cancelled
        /// The fetch thread pool was shut down.
        case poolShutDown
        /// No fetch thread could be started (`pthread_create` failed) and none runs.
        case noFetchThread(String)

        public var description: String {
            switch self {
            case .invalidURL(let message): return "invalid URL: \(message)"
            case .dnsFailed(let host, let message): return "DNS lookup of \(host) failed: \(message)"
            case .connectFailed(let address, let message): return "connect to \(address) failed: \(message)"
            case .timeout(let phase): return "timed out while \(phase.rawValue)"
            case .tlsFailed(let message): return "TLS failed: \(message)"
            case .proxyFailed(let message): return "proxy failed: \(message)"
            case .ioFailed(let phase, let message): return "I/O error while \(phase.rawValue): \(message)"
            case .connectionClosed(let phase): return "the connection was closed while \(phase.rawValue)"
            case .httpStatus(let code): return "HTTP status \(code)"
            case .wrongContentType(let type):
                return "Content-Type is \(type.map { "\"\($0)\"" } ?? "missing"), not application/ocsp-response"
            case .bodyTooLarge(let cap): return "response body exceeds the limit of \(cap) bytes"
            case .malformedResponse(let message): return "malformed HTTP response: \(message)"
            case .cancelled: return "cancelled"
            case .poolShutDown: return "the fetch thread pool is shut down"
            case .noFetchThread(let message): return "cannot start a fetch thread: \(message)"
            }
        }
    }

    /// One connection attempt to one resolved address.
    public struct ConnectAttempt: Sendable, Equatable, CustomStringConvertible {
        /// The address tried, e.g. `127.0.0.1:80` or `[::1]:80`.
        public var address: String
        /// Why the attempt failed, or `nil` if it connected.
        public var failure: String?

        public init(address: String, failure: String?) {
            self.address = address
            self.failure = failure
        }

        public var description: String { "\(address) (\(failure ?? "connected"))" }
    }

    /// The responder URL the fetch was for.
    public var url: String
    /// The named cause.
    public var reason: Reason
    /// Every connection attempt, in order.
    public var attempts: [ConnectAttempt]
    /// The method the request was (or would have been) sent with, when it was known.
    public var method: OCSPHTTPMethod?
    /// The proxy the fetch went through, if any.
    public var proxy: String?

    public init(
        url: String,
        reason: Reason,
        attempts: [ConnectAttempt] = [],
        method: OCSPHTTPMethod? = nil,
        proxy: String? = nil
    ) {
        self.url = url
        self.reason = reason
        self.attempts = attempts
        self.method = method
        self.proxy = proxy
    }

    /// The addresses attempted, in order.
    public var addressesAttempted: [String] { attempts.map(\.address) }

    public var description: String {
        var text = "OCSP fetch"
        if let method { text += " (\(method.rawValue))" }
        text += " from \(url)"
        if let proxy { text += " via proxy \(proxy)" }
        text += " failed: \(reason)"
        if !attempts.isEmpty {
            text += "; addresses tried: " + attempts.map(\.description).joined(separator: ", ")
        }
        return text
    }
}
