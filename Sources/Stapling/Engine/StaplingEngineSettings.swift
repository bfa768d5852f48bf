/// Everything the engine needs from the `stapling { }` block, in the engine's own terms.
public struct StaplingEngineSettings: Sendable {
    public var cacheDirectory: String?
    public var verification: VerificationSettings
    public var refresh: RefreshSettings
    public var transport: OCSPTransportSettings
    /// How long start-up waits for first staples.
    public var startupWait: Duration

    public init(
        cacheDirectory: String?, verification: VerificationSettings, refresh: RefreshSettings,
        transport: OCSPTransportSettings, startupWait: Duration
    ) {
        self.cacheDirectory = cacheDirectory
        self.verification = verification
        self.refresh = refresh
        self.transport = transport
        self.startupWait = startupWait
    }
}
