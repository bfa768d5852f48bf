/// Why a cached staple could not be read back. Never fatal: the caller fetches a fresh one and
/// reports the reason once.
public enum StapleCacheProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// No staple is cached for this certificate (the normal first start).
    case missing(path: String)
    /// The file exists but cannot be read (permissions, I/O error).
    case unreadable(path: String, reason: String)
    /// The DER file is shorter than its sidecar records (a torn write, a full disk).
    case truncated(path: String, expected: Int, actual: Int)
    /// The DER file does not match its sidecar (length or SHA-256), or is implausibly large.
    case corrupt(path: String, reason: String)
    /// The DER file has no sidecar next to it.
    case metadataMissing(path: String)
    /// The sidecar does not parse.
    case metadataInvalid(path: String, reason: String)

    /// The case name, for logs and metrics.
    public var name: String {
        switch self {
        case .missing: "missing"
        case .unreadable: "unreadable"
        case .truncated: "truncated"
        case .corrupt: "corrupt"
        case .metadataMissing: "metadataMissing"
        case .metadataInvalid: "metadataInvalid"
        }
    }

    public var description: String {
        switch self {
        case .missing(let path): "\(path): no cached staple"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .truncated(let path, let expected, let actual):
            "\(path): truncated: \(actual) of \(expected) bytes"
        case .corrupt(let path, let reason): "\(path): corrupt: \(reason)"
        case .metadataMissing(let path): "\(path): the metadata file is missing"
        case .metadataInvalid(let path, let reason): "\(path): invalid metadata: \(reason)"
        }
    }
}
