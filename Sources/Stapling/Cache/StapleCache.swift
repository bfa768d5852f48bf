/// The on-disk staple cache (DESIGN.md, "Persistence"): per certificate, `<key>.der` (the
/// response exactly as received) and `<key>.meta` (a `key=value` sidecar), where `<key>` is
/// `OCSPCertID.key`.
///
/// Writes are atomic and durable (temporary file, fsync, rename, fsync of the directory). Reads
/// never throw: a file that cannot be used comes back as a `StapleCacheProblem`, and what does
/// come back is untrusted bytes for the caller to verify. Calls block on disk I/O: run them off
/// the worker loops.
public struct StapleCache: Sendable {
    public let directory: String

    /// A file larger than this is not a staple (responses are a few KiB).
    static let maximumFileSize = 1 << 20

    /// Opens the cache in `directory`, creating it (and missing parents) with mode 0700; throws
    /// when it cannot be created or is not a writable directory.
    public init(directory: String) throws(StapleCacheError) {
        try CacheFiles.makeDirectory(directory)
        self.directory = directory
    }

    /// The DER file of a certificate's staple.
    public func derPath(for certID: OCSPCertID) -> String { "\(directory)/\(certID.key).der" }

    /// The metadata sidecar of a certificate's staple.
    public func metadataPath(for certID: OCSPCertID) -> String { "\(directory)/\(certID.key).meta" }

    /// Stores a verified response under its CertID, replacing any previous one. The sidecar
    /// records the DER's length and SHA-256 (computed here, whatever `metadata` says).
    public func store(_ response: VerifiedOCSPResponse, metadata: StapleMetadata) throws(StapleCacheError) {
        var metadata = metadata
        metadata.derLength = response.der.count
        metadata.derSHA256 = HexEncoding.sha256(response.der) ?? ""
        // DER first, then the sidecar that vouches for it: a crash in between leaves a pair whose
        // digest does not match, which load reports as corrupt rather than returning a mix.
        try CacheFiles.replace(derPath(for: response.certID), with: response.der)
        try CacheFiles.replace(metadataPath(for: response.certID), with: Array(metadata.text.utf8))
        try CacheFiles.syncDirectory(directory)
    }

    /// Reads back the staple cached for `certID`, or says why there is none to use.
    public func load(certID: OCSPCertID) -> Result<CachedStaple, StapleCacheProblem> {
        let derPath = derPath(for: certID)
        let metadataPath = metadataPath(for: certID)
        let der: [UInt8]
        do {
            der = try CacheFiles.read(derPath, limit: Self.maximumFileSize)
        } catch {
            switch error {
            case .missing: return .failure(.missing(path: derPath))
            case .tooLarge:
                return .failure(.corrupt(path: derPath, reason: "larger than \(Self.maximumFileSize) bytes"))
            case .failed(let reason): return .failure(.unreadable(path: derPath, reason: reason))
            }
        }
        let text: [UInt8]
        do {
            text = try CacheFiles.read(metadataPath, limit: Self.maximumFileSize)
        } catch {
            switch error {
            case .missing: return .failure(.metadataMissing(path: metadataPath))
            case .tooLarge:
                return .failure(
                    .metadataInvalid(path: metadataPath, reason: "larger than \(Self.maximumFileSize) bytes"))
            case .failed(let reason): return .failure(.unreadable(path: metadataPath, reason: reason))
            }
        }
        let metadata: StapleMetadata
        do {
            metadata = try StapleMetadata(parsing: String(decoding: text, as: UTF8.self))
        } catch {
            return .failure(.metadataInvalid(path: metadataPath, reason: error.message))
        }
        if der.count < metadata.derLength {
            return .failure(.truncated(path: derPath, expected: metadata.derLength, actual: der.count))
        }
        if der.count > metadata.derLength {
            return .failure(
                .corrupt(path: derPath, reason: "\(der.count) bytes where the metadata records \(metadata.derLength)"))
        }
        if HexEncoding.sha256(der) != metadata.derSHA256 || metadata.derSHA256.isEmpty {
            return .failure(.corrupt(path: derPath, reason: "SHA-256 differs from the metadata"))
        }
        return .success(CachedStaple(der: der, metadata: metadata, path: derPath))
    }

    /// Removes a certificate's cached staple (both files); missing files are not an error.
    public func remove(certID: OCSPCertID) throws(StapleCacheError) {
        try CacheFiles.remove(derPath(for: certID))
        try CacheFiles.remove(metadataPath(for: certID))
        try CacheFiles.syncDirectory(directory)
    }
}
