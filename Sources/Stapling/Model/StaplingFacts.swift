import TLS

/// What the stapling engine knows about one served certificate before any fetch: whether it can
/// be stapled and, if not, why, in words for `stapled -t`, the status page and the start-up log.
public struct StaplingFacts: Sendable {
    /// Whether the engine will staple the certificate.
    public enum Applicability: Sendable, Equatable, CustomStringConvertible {
        case applicable
        /// Not an error: e.g. no OCSP URL (every Let's Encrypt certificate since 2025).
        case notApplicable(String)
        /// `stapling off;` for this certificate.
        case disabled
        /// It has an OCSP URL but its issuer was not found, so no response can be verified.
        case missingIssuer

        public var description: String {
            switch self {
            case .applicable: "applicable"
            case .notApplicable(let reason): "not applicable (\(reason))"
            case .disabled: "disabled"
            case .missingIssuer: "missing issuer"
            }
        }
    }

    /// Where the issuer came from, or which file lacks it.
    public enum Issuer: Sendable, Equatable, CustomStringConvertible {
        case found(subject: String, file: String)
        /// The operator's next step is in the message.
        case missing(String)

        public var description: String {
            switch self {
            case .found(let subject, let file): "\(subject) (from \(file))"
            case .missing(let message): message
            }
        }
    }

    public let subject: String
    public let issuer: Issuer
    /// nil without an issuer.
    public let certID: OCSPCertID?
    /// The responder URLs to try, in order: the configured override first, then the AIA ones.
    public let ocspURLs: [String]
    /// The TLS Feature extension asks for status_request (RFC 7633).
    public let mustStaple: Bool
    public let applicability: Applicability

    /// - Parameters:
    ///   - enabled: the certificate's `stapling on|off;`.
    ///   - overrideURL: the certificate's `ocsp_url`, tried before the AIA URLs.
    ///   - stapleFile: the certificate's `staple_file`; it makes stapling applicable without a URL.
    public init(
        for certificate: ServedCertificate, enabled: Bool = true, overrideURL: String? = nil,
        stapleFile: String? = nil
    ) {
        let leaf = certificate.leaf
        subject = leaf.subject
        mustStaple = leaf.mustStaple
        ocspURLs = (overrideURL.map { [$0] } ?? []) + leaf.ocspURLs.filter { $0 != overrideURL }

        var certIDProblem: String?
        if let found = certificate.issuer {
            issuer = .found(subject: found.subject, file: certificate.issuerPath ?? certificate.chainPath)
            do {
                certID = try OCSPCertID(leaf: leaf, issuer: found)
            } catch {
                certID = nil
                certIDProblem = error.description
            }
        } else if let issuerPath = certificate.issuerPath {
            issuer = .missing(
                "issuer file \(issuerPath) has no issuer for \(leaf.subject) (issued by \(leaf.issuerName))")
            certID = nil
        } else {
            issuer = .missing(
                "chain file \(certificate.chainPath) has no issuer for \(leaf.subject) (issued by \(leaf.issuerName)); "
                    + "add the intermediate to the chain file or set issuer")
            certID = nil
        }

        if !enabled {
            applicability = .disabled
        } else if ocspURLs.isEmpty && stapleFile == nil {
            applicability = .notApplicable("no OCSP URL")
        } else if let certIDProblem {
            applicability = .notApplicable(certIDProblem)
        } else if certID == nil {
            applicability = .missingIssuer
        } else {
            applicability = .applicable
        }
    }
}
