import COpenSSL

/// A TLS set-up failure an operator can act on: what failed, on which file, and OpenSSL's own words.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadableFile
        case noCertificate
        case invalidCertificate
        case invalidKey
        case keyMismatch
        case expired
        case notYetValid
        case unsupportedKey
        case contextSetup
        case invalidSetting
    }

    public var code: Code
    /// The OpenSSL call or step that failed.
    public var operation: String
    /// The file involved, if any.
    public var file: String?
    /// A human-readable explanation.
    public var message: String
    /// OpenSSL's error queue, drained into text at the time of the failure.
    public var openSSLErrors: [String]

    public init(_ code: Code, operation: String, file: String? = nil, message: String, drainQueue: Bool = true) {
        self.code = code
        self.operation = operation
        self.file = file
        self.message = message
        self.openSSLErrors = drainQueue ? OpenSSLErrorQueue.drain() : []
    }

    public var description: String {
        var text = file.map { "\($0): \(message)" } ?? message
        if !openSSLErrors.isEmpty { text += " (\(openSSLErrors.joined(separator: "; ")))" }
        return text
    }
}

/// OpenSSL's per-thread error queue.
public enum OpenSSLErrorQueue {
    /// Removes every queued error and returns them as text, oldest first.
    public static func drain() -> [String] {
        var errors: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            errors.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return errors
    }

    /// Discards queued errors (after an expected failure such as reading past the last PEM block).
    public static func clear() { ERR_clear_error() }
}
