/// The validity window of a staple, the only facts the schedule needs from a response.
public struct StapleValidity: Sendable, Equatable {
    /// Seconds since the epoch.
    public var thisUpdate: Int64
    /// The effective expiry (`VerifiedOCSPResponse.validUntil`).
    public var validUntil: Int64

    public init(thisUpdate: Int64, validUntil: Int64) {
        self.thisUpdate = thisUpdate
        self.validUntil = validUntil
    }

    public init(_ response: VerifiedOCSPResponse) {
        self.init(thisUpdate: response.thisUpdate, validUntil: response.validUntil)
    }

    /// The length of the window in seconds (zero for a nonsensical one).
    public var window: Int64 { max(0, validUntil - thisUpdate) }
}
