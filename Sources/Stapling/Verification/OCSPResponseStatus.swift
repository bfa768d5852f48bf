import COpenSSL

/// An unsuccessful `OCSPResponseStatus` (RFC 6960 §4.2.1): the responder answered without a
/// signed response.
public enum OCSPResponseStatus: Sendable, Hashable, CustomStringConvertible {
    case malformedRequest
    case internalError
    case tryLater
    case sigRequired
    case unauthorized
    /// A value RFC 6960 does not define.
    case other(Int)

    init(code: Int32) {
        switch code {
        case OCSP_RESPONSE_STATUS_MALFORMEDREQUEST: self = .malformedRequest
        case OCSP_RESPONSE_STATUS_INTERNALERROR: self = .internalError
        case OCSP_RESPONSE_STATUS_TRYLATER: self = .tryLater
        case OCSP_RESPONSE_STATUS_SIGREQUIRED: self = .sigRequired
        case OCSP_RESPONSE_STATUS_UNAUTHORIZED: self = .unauthorized
        default: self = .other(Int(code))
        }
    }

    /// The numeric value on the wire.
    public var code: Int {
        switch self {
        case .malformedRequest: Int(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST)
        case .internalError: Int(OCSP_RESPONSE_STATUS_INTERNALERROR)
        case .tryLater: Int(OCSP_RESPONSE_STATUS_TRYLATER)
        case .sigRequired: Int(OCSP_RESPONSE_STATUS_SIGREQUIRED)
        case .unauthorized: Int(OCSP_RESPONSE_STATUS_UNAUTHORIZED)
        case .other(let code): code
        }
    }

    /// The RFC name (`tryLater`), or `status N` for an undefined value.
    public var description: String {
        switch self {
        case .malformedRequest: "malformedRequest"
        case .internalError: "internalError"
        case .tryLater: "tryLater"
        case .sigRequired: "sigRequired"
        case .unauthorized: "unauthorized"
        case .other(let code): "status \(code)"
        }
    }
}
