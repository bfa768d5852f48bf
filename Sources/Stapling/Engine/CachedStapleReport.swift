import Glibc
import TLS

/// What the disk cache holds for a certificate, re-verified: the "cached staple" line of
/// `stapled -t` ("valid until …", "expired", "none", "invalid: reason").
public enum CachedStapleReport {
    public static func describe(
        _ target: StaplingTarget, cacheDirectory: String?, verification: VerificationSettings,
        now: Int64 = Int64(time(nil))
    ) -> String {
        guard target.applicability == .fetched, let issuer = target.certificate.issuer else { return "-" }
        guard let cacheDirectory else { return "none (no cache_dir)" }
        let cache: StapleCache
        let certID: OCSPCertID
        do {
            cache = try StapleCache(directory: cacheDirectory)
            certID = try OCSPCertID(leaf: target.certificate.leaf, issuer: issuer)
        } catch {
            return "invalid: \(error)"
        }
        switch cache.load(certID: certID) {
        case .failure(.missing): return "none"
        case .failure(let problem): return "invalid: \(problem.name): \(problem)"
        case .success(let cached):
            switch OCSPResponseVerifier.verify(
                der: cached.der, leaf: target.certificate.leaf, issuer: issuer, now: now, settings: verification)
            {
            case .success(let response):
                return "valid until \(UTCTime.format(response.validUntil)) (\(response.certStatus))"
            case .failure(.expired(let nextUpdate, _)):
                return "expired at \(UTCTime.format(nextUpdate))"
            case .failure(let failure):
                return "invalid: \(failure.name): \(failure)"
            }
        }
    }
}
