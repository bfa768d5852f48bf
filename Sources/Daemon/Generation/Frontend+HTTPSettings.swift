import Config
import Proxy

extension Frontend {
    /// The runtime settings of a `mode http` frontend; nil in `mode tcp`.
    var httpSettings: HTTPSettings? {
        guard mode == .http else { return nil }
        return HTTPSettings(
            maxRequestHeader: http.maxRequestHeader, maxHeaders: http.maxHeaders,
            upstreamTimeout: http.upstreamTimeout.seconds, requestTimeout: http.requestTimeout.seconds,
            trustedProxies: http.trustedProxies.compactMap {
                TrustedNetwork(bytes: $0.bytes, prefixLength: $0.prefixLength)
            },
            addsForwarded: http.forwarded)
    }
}
