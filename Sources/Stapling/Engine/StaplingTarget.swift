import TLS

/// One served certificate as the stapling engine sees it, with its per-certificate options.
public struct StaplingTarget: Sendable {
    public let certificate: ServedCertificate
    /// `stapling off` for this certificate.
    public let enabled: Bool
    /// `ocsp_url`: tried before the certificate's AIA URLs.
    public let overrideURL: String?
    /// `staple_file`: a static DER response, verified, never fetched.
    public let stapleFile: String?

    public init(
        certificate: ServedCertificate, enabled: Bool = true, overrideURL: String? = nil, stapleFile: String? = nil
    ) {
        self.certificate = certificate
        self.enabled = enabled
        self.overrideURL = overrideURL
        self.stapleFile = stapleFile
    }

    /// Identifies "the same certificate with the same issuer and options" across reloads.
    public var identity: String {
        let issuer = certificate.issuer?.fingerprint ?? "-"
        return "\(certificate.leaf.fingerprint)/\(issuer)/\(overrideURL ?? "")/\(stapleFile ?? "")/\(enabled)"
    }

    /// The URLs to fetch from, in order: the override, then AIA (duplicates dropped).
    public var urls: [String] {
        var result: [String] = []
        for url in [overrideURL].compactMap({ $0 }) + certificate.leaf.ocspURLs where !result.contains(url) {
            result.append(url)
        }
        return result
    }

    /// How this certificate takes part in stapling.
    public var applicability: Applicability {
        if !enabled { return .disabled }
        if stapleFile != nil { return certificate.issuer == nil ? .missingIssuer : .staticFile }
        if urls.isEmpty { return .notApplicable }
        return certificate.issuer == nil ? .missingIssuer : .fetched
    }

    public enum Applicability: String, Sendable {
        /// Fetched from the OCSP responder(s).
        case fetched
        /// Served from `staple_file`.
        case staticFile = "static file"
        /// No OCSP URL in the certificate and none configured: stapling not applicable.
        case notApplicable = "not applicable"
        /// `stapling off`.
        case disabled
        /// The issuer certificate is neither in the chain file nor given with `issuer`.
        case missingIssuer = "missing issuer"
    }

    /// The operator-facing explanation of a missing issuer.
    public var missingIssuerMessage: String {
        "chain file \(certificate.chainPath) has no issuer for \(certificate.leaf.subject) "
            + "(issued by \(certificate.leaf.issuerName)); append the intermediate to the chain file, "
            + "set \"issuer FILE;\" in the certificate block, or \"stapling off;\""
    }
}
