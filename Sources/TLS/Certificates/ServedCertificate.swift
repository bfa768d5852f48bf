import COpenSSL
import Glibc

/// A certificate as served: the leaf, the intermediates sent with it, its key, and its issuer.
///
/// Loading checks everything a start needs: both files readable and parseable, the key matches
/// the leaf, the leaf is valid now. Each error names the file.
public final class ServedCertificate: Sendable {
    public let leaf: X509Certificate
    /// Certificates after the leaf in the chain file, sent to clients in that order.
    public let intermediates: [X509Certificate]
    public let key: PrivateKey
    /// The certificate that issued the leaf: from the `issuer` file when given, else found in the chain.
    public let issuer: X509Certificate?
    public let chainPath: String
    public let keyPath: String
    public let issuerPath: String?

    public init(
        leaf: X509Certificate, intermediates: [X509Certificate], key: PrivateKey, issuer: X509Certificate?,
        chainPath: String, keyPath: String, issuerPath: String?
    ) {
        self.leaf = leaf
        self.intermediates = intermediates
        self.key = key
        self.issuer = issuer
        self.chainPath = chainPath
        self.keyPath = keyPath
        self.issuerPath = issuerPath
    }

    /// Loads and checks a chain file (leaf first) and its key; `now` is seconds since the epoch.
    public static func load(
        chainPath: String, keyPath: String, issuerPath: String? = nil, now: Int64 = Int64(time(nil))
    ) throws(TLSError) -> ServedCertificate {
        let chain = try PEMCertificates.load(file: chainPath)
        let key = try PrivateKey.load(pemFile: keyPath)
        let leaf = chain[0]
        guard X509_check_private_key(leaf.pointer, key.pointer) == 1 else {
            throw TLSError(
                .keyMismatch, operation: "X509_check_private_key", file: keyPath,
                message: "private key does not match the certificate \(leaf.subject) in \(chainPath)")
        }
        if now > leaf.notAfter {
            throw TLSError(
                .expired, operation: "validity", file: chainPath,
                message: "certificate \(leaf.subject) expired at \(UTCTime.format(leaf.notAfter))", drainQueue: false)
        }
        if now < leaf.notBefore {
            throw TLSError(
                .notYetValid, operation: "validity", file: chainPath,
                message: "certificate \(leaf.subject) is not valid before \(UTCTime.format(leaf.notBefore))",
                drainQueue: false)
        }
        let intermediates = Array(chain.dropFirst())
        var issuer: X509Certificate?
        if let issuerPath {
            let candidates = try PEMCertificates.load(file: issuerPath)
            issuer = candidates.first { leaf.isIssued(by: $0) }
            if issuer == nil {
                throw TLSError(
                    .invalidCertificate, operation: "issuer", file: issuerPath,
                    message: "no certificate in this file issued \(leaf.subject)", drainQueue: false)
            }
        } else {
            issuer = intermediates.first { leaf.isIssued(by: $0) }
        }
        return ServedCertificate(
            leaf: leaf, intermediates: intermediates, key: key, issuer: issuer,
            chainPath: chainPath, keyPath: keyPath, issuerPath: issuerPath)
    }
}
