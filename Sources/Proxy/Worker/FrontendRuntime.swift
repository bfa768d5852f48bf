import Logging
import TLS

/// Everything a worker needs to serve one frontend in one config generation. Immutable: a reload
/// builds a new one, and connections keep a reference to the one they were accepted under.
public final class FrontendRuntime: Sendable {
    public let name: String
    public let tls: FrontendTLS
    /// The upstream this frontend relays to (shared with other frontends that name it); each
    /// worker chooses servers through its `UpstreamPool` for it (`Worker.pool(for:)`).
    public let upstream: UpstreamRuntime
    public let handshakeTimeout: Double
    public let connectTimeout: Double
    public let idleTimeout: Double
    /// `mode http` settings; nil in `mode tcp`.
    public let http: HTTPSettings?

    public init(
        name: String, tls: FrontendTLS, upstream: UpstreamRuntime, handshakeTimeout: Double, connectTimeout: Double,
        idleTimeout: Double, http: HTTPSettings? = nil
    ) {
        self.name = name
        self.tls = tls
        self.upstream = upstream
        self.handshakeTimeout = handshakeTimeout
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.http = http
    }
}

extension FrontendRuntime {
    /// The upstream's name, for logs.
    public var upstreamName: String { upstream.name }
}
