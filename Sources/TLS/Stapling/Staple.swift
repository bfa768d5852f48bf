import COpenSSL
import CStapledShims
import Synchronization

/// One verified OCSP response ready to staple: immutable, shared by every handshake that sends it.
public final class Staple: Sendable {
    /// The DER OCSPResponse.
    public let der: [UInt8]
    /// Never sent at or after this moment (seconds since the epoch): nextUpdate, or the configured
    /// maximum age for responses without one.
    public let validUntil: Int64
    public let thisUpdate: Int64
    public let isRevoked: Bool

    public init(der: [UInt8], thisUpdate: Int64, validUntil: Int64, isRevoked: Bool) {
        self.der = der
        self.thisUpdate = thisUpdate
        self.validUntil = validUntil
        self.isRevoked = isRevoked
    }
}

/// The staple currently served for one certificate. The stapling engine publishes; OpenSSL's
/// status callback reads synchronously on worker threads (one uncontended lock, ~40 ns).
public final class StapleSlot: Sendable {
    private let current = Mutex<Staple?>(nil)
    /// The certificate requires a staple (TLS Feature status_request).
    public let mustStaple: Bool

    public init(mustStaple: Bool) { self.mustStaple = mustStaple }

    public var staple: Staple? { current.withLock { $0 } }

    /// Replaces the served staple (nil withdraws it).
    public func publish(_ staple: Staple?) { current.withLock { $0 = staple } }

    /// A staple that may be sent at `now`, if any.
    @inline(__always)
    public func validStaple(now: Int64) -> Staple? {
        guard let staple = current.withLock({ $0 }), now < staple.validUntil else { return nil }
        return staple
    }

    /// True when this certificate should not be chosen if another one covers the same name:
    /// its staple says revoked, or it is Must-Staple and has no valid staple.
    public func isUnfit(now: Int64) -> Bool {
        guard let staple = validStaple(now: now) else { return mustStaple }
        return staple.isRevoked
    }
}
