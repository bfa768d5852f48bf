import Stapling
import Testing

/// Settings for tests: short timeouts so a broken peer fails a test quickly, never hangs it.
extension OCSPTransportSettings {
    static let test = OCSPTransportSettings(
        connectTimeout: .seconds(3), totalTimeout: .seconds(10), maxResponseSize: 64 * 1024)

    func with(totalTimeout: Duration? = nil, maxResponseSize: Int? = nil, proxy: String? = nil) -> Self {
        var copy = self
        if let totalTimeout { copy.totalTimeout = totalTimeout }
        if let maxResponseSize { copy.maxResponseSize = maxResponseSize }
        if let proxy { copy.proxy = proxy }
        return copy
    }
}

extension Result where Success == OCSPHTTPResponse, Failure == OCSPTransportError {
    /// The response, or a recorded issue with the error's description.
    func response(sourceLocation: SourceLocation = #_sourceLocation) throws -> OCSPHTTPResponse {
        switch self {
        case .success(let response): return response
        case .failure(let error):
            Issue.record("expected a response, got: \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// The error, or a recorded issue if the fetch succeeded.
    func error(sourceLocation: SourceLocation = #_sourceLocation) throws -> OCSPTransportError {
        switch self {
        case .failure(let error): return error
        case .success(let response):
            Issue.record(
                "expected a failure, got HTTP \(response.statusCode) with \(response.body.count) bytes",
                sourceLocation: sourceLocation)
            throw ExpectedFailure()
        }
    }
}

struct ExpectedFailure: Error {}
