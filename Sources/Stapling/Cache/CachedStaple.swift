/// A staple read back from the cache directory: the bytes and their sidecar, not yet trusted.
/// The caller verifies `der` with `OCSPResponseVerifier` before using it.
public struct CachedStaple: Sendable, Equatable {
    public var der: [UInt8]
    public var metadata: StapleMetadata
    /// The DER file it came from (for log lines).
    public var path: String
}
