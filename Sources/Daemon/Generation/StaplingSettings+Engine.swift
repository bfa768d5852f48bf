import Config
import Stapling

extension StaplingSettings {
    /// The engine's view of the `stapling { }` block.
    var engineSettings: StaplingEngineSettings {
        StaplingEngineSettings(
            cacheDirectory: cacheDir.isEmpty ? nil : cacheDir,
            verification: verificationSettings,
            refresh: RefreshSettings(
                refreshFraction: refreshFraction, minRefreshInterval: minRefreshInterval,
                maxRefreshInterval: maxRefreshInterval, retryMax: retryMax, retryBase: retryBase),
            transport: OCSPTransportSettings(
                connectTimeout: connectTimeout, totalTimeout: fetchTimeout, maxResponseSize: maxResponseSize,
                proxy: proxy),
            startupWait: startupWait)
    }

    var verificationSettings: VerificationSettings {
        VerificationSettings(
            maxClockSkew: maxClockSkew.components.seconds,
            maxAgeWithoutNextUpdate: maxAgeWithoutNextUpdate.components.seconds)
    }
}
