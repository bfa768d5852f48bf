import TLS

/// OpenSSL could not build an OCSP structure (a CertID or a request) for a certificate.
///
/// It does not happen with certificates that loaded; when it does, the message names the
/// certificate and OpenSSL's error queue says why.
public struct OCSPEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The OpenSSL call that failed.
    public var operation: String
    public var message: String
    /// OpenSSL's error queue, drained when the error was made.
    public var openSSLErrors: [String]

    init(operation: String, message: String) {
        self.operation = operation
        self.message = message
        self.openSSLErrors = OpenSSLErrorQueue.drain()
    }

    public var description: String {
        let errors = openSSLErrors.isEmpty ? "" : " (\(openSSLErrors.joined(separator: "; ")))"
        return "\(message): \(operation) failed\(errors)"
    }
}
