/// How one OCSP fetch may use the network: its timeouts, the largest body it accepts and an optional
/// HTTP proxy.
public struct OCSPTransportSettings: Sendable, Equatable {
    /// The longest wait for one TCP connection to be established, per resolved address.
    public var connectTimeout: Duration
    /// The deadline over the whole exchange: DNS, every connect attempt, the proxy tunnel, the TLS
    /// handshake, sending the request and reading the full response.
    public var totalTimeout: Duration
    /// The largest response body accepted, in bytes; a larger body fails the fetch and is not read.
    public var maxResponseSize: Int
    /// An HTTP proxy as `http://host:port`, or `nil` to connect directly. `http://` responders are
    /// reached with an absolute-form request URI, `https://` responders through a `CONNECT` tunnel.
    public var proxy: String?

    public init(
        connectTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(15),
        maxResponseSize: Int = 64 * 1024,
        proxy: String? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseSize = maxResponseSize
        self.proxy = proxy
    }
}
