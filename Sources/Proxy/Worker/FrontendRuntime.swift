import Logging
import TLS

/// Everything a worker needs to serve one frontend in one config generation. Immutable: a reload
/// builds a new one, and connections keep a reference to the one they were accepted under.
public final class FrontendRuntime: Sendable {
    public let name: String
    public let tls: FrontendTLS
    /// Upstream servers in configured order; a failed connect moves on to the next one.
    public let upstreamServers: [SocketAddress]
    public let upstreamName: String
    public let handshakeTimeout: Double
    public let connectTimeout: Double
    public let idleTimeout: Double

    public init(
        name: String, tls: FrontendTLS, upstreamName: String, upstreamServers: [SocketAddress],
        handshakeTimeout: Double, connectTimeout: Double, idleTimeout: Double
    ) {
        self.name = name
        self.tls = tls
        self.upstreamName = upstreamName
        self.upstreamServers = upstreamServers
        self.handshakeTimeout = handshakeTimeout
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
    }
}
