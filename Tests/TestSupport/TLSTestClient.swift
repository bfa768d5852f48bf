import COpenSSL
import CStapledShims

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TLS client over OpenSSL for driving the daemon in tests: connects, completes the
/// handshake with the given options and reports what was negotiated (version, cipher, ALPN, peer
/// certificate, stapled OCSP response). Every blocking call is bounded by `options.timeout`
/// (SO_RCVTIMEO/SO_SNDTIMEO on the socket).
///
/// Owns its `SSL_CTX`, `SSL` and socket; `close()` or deinit frees them. Use from one thread.
public final class TLSTestClient {
    public let handshake: TLSHandshakeInfo
    /// Set once a read saw the server's close_notify.
    public private(set) var receivedCloseNotify = false
    /// Set once a read saw the TCP connection end without a close_notify (a truncation).
    public private(set) var receivedEOFWithoutCloseNotify = false

    private var context: OpaquePointer?
    private var ssl: OpaquePointer?
    private var fd: Int32

    /// Connects to `host`:`port` (an IPv4 literal) and completes a TLS handshake.
    /// Throws with OpenSSL's error queue (and the verification error, if any) when it fails.
    public static func connect(host: String = "127.0.0.1", port: UInt16, options: TLSClientOptions = .init()) throws
        -> TLSTestClient
    {
        try TLSTestClient(host: host, port: port, options: options)
    }

    private init(host: String, port: UInt16, options: TLSClientOptions) throws {
        ERR_clear_error()
        let endpoint = "\(host):\(port)"
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw TestSupportError.openSSL("SSL_CTX_new") }
        self.context = context
        self.fd = -1
        do {
            try Self.configure(context, options)
            fd = try LoopbackSocket.connect(host: host, port: port, timeout: options.timeout)
            guard let ssl = SSL_new(context) else { throw TestSupportError.openSSL("SSL_new") }
            self.ssl = ssl
            try Self.configure(ssl, fd: fd, options)
            let rc = SSL_connect(ssl)
            if rc != 1 {
                let verify = SSL_get_verify_result(ssl)
                let verifyText = verify == X509_V_OK ? "" : " (certificate: \(Self.verifyText(verify)))"
                throw Self.ioError(ssl, rc, "TLS handshake with \(endpoint)\(verifyText)")
            }
            handshake = Self.describe(ssl)
        } catch {
            if let ssl { SSL_free(ssl) }
            SSL_CTX_free(context)
            if fd >= 0 { Glibc.close(fd) }
            self.ssl = nil
            self.context = nil
            throw error
        }
    }

    /// Sends `bytes` (all of them).
    public func write(_ bytes: [UInt8]) throws {
        guard let ssl else { throw Self.closedError("write") }
        guard !bytes.isEmpty else { return }
        let rc = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32(bytes.count)) }
        if rc <= 0 { throw Self.ioError(ssl, rc, "SSL_write") }
    }

    /// Sends the UTF-8 bytes of `text`.
    public func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Reads up to `maxBytes`; an empty result means the server ended the stream (see
    /// `receivedCloseNotify` / `receivedEOFWithoutCloseNotify` for how).
    public func read(maxBytes: Int = 16_384) throws -> [UInt8] {
        guard let ssl else { throw Self.closedError("read") }
        if receivedCloseNotify || receivedEOFWithoutCloseNotify { return [] }
        var buffer = [UInt8](repeating: 0, count: maxBytes)
        ERR_clear_error()
        let rc = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32(maxBytes)) }
        if rc > 0 { return Array(buffer[0..<Int(rc)]) }
        let error = SSL_get_error(ssl, rc)
        if error == SSL_ERROR_ZERO_RETURN {
            receivedCloseNotify = true
            return []
        }
        if error == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING {
            ERR_clear_error()
            receivedEOFWithoutCloseNotify = true
            return []
        }
        throw Self.ioError(ssl, rc, "SSL_read")
    }

    /// Reads until the stream ends; throws if more than `limit` bytes arrive.
    public func readToEOF(limit: Int = 64 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        while true {
            let chunk = try read()
            if chunk.isEmpty { return result }
            result += chunk
            if result.count > limit {
                throw TestSupportError(.protocolViolation, "TLSTestClient.readToEOF", "more than \(limit) bytes")
            }
        }
    }

    /// Reads until `count` bytes arrived (or the stream ended: then fewer).
    public func read(exactly count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        while result.count < count {
            let chunk = try read(maxBytes: min(16_384, count - result.count))
            if chunk.isEmpty { break }
            result += chunk
        }
        return result
    }

    /// The TLS half-close: sends close_notify (SSL_shutdown); reading still works. With `tcp`,
    /// also sends a TCP FIN (`shutdown(SHUT_WR)`).
    public func shutdownWrite(tcp: Bool = false) throws {
        guard let ssl else { throw Self.closedError("shutdownWrite") }
        let rc = SSL_shutdown(ssl)
        if rc < 0 { throw Self.ioError(ssl, rc, "SSL_shutdown") }
        if tcp { shutdown(fd, Int32(SHUT_WR)) }
    }

    /// The current session, to resume in a later connection (TLS 1.3 tickets arrive after the
    /// handshake: read something first).
    public func session() -> TLSSession? {
        guard let ssl, let session = SSL_get1_session(ssl) else { return nil }
        return TLSSession(adopting: session)
    }

    /// The socket (for tests that need to poke at TCP directly).
    public var fileDescriptor: Int32 { fd }

    /// Frees the connection without sending close_notify. Idempotent.
    public func close() {
        if let ssl { SSL_free(ssl) }
        if let context { SSL_CTX_free(context) }
        if fd >= 0 { Glibc.close(fd) }
        ssl = nil
        context = nil
        fd = -1
    }

    deinit { close() }
}

extension TLSTestClient {
    private static func configure(_ context: OpaquePointer, _ options: TLSClientOptions) throws {
        if let version = options.minVersion,
            CStapledShims_SSL_CTX_set_min_proto_version(context, version.protocolVersion) != 1
        {
            throw TestSupportError.openSSL("SSL_CTX_set_min_proto_version", version.rawValue)
        }
        if let version = options.maxVersion,
            CStapledShims_SSL_CTX_set_max_proto_version(context, version.protocolVersion) != 1
        {
            throw TestSupportError.openSSL("SSL_CTX_set_max_proto_version", version.rawValue)
        }
        if let caFile = options.caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw TestSupportError.openSSL("SSL_CTX_load_verify_locations", caFile)
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        if let list = options.signatureAlgorithms, OpenSSLMacro.SSL_CTX_set1_sigalgs_list(context, list) != 1 {
            throw TestSupportError.openSSL("SSL_CTX_set1_sigalgs_list", list)
        }
        if let list = options.cipherList, SSL_CTX_set_cipher_list(context, list) != 1 {
            throw TestSupportError.openSSL("SSL_CTX_set_cipher_list", list)
        }
        if let list = options.cipherSuites, SSL_CTX_set_ciphersuites(context, list) != 1 {
            throw TestSupportError.openSSL("SSL_CTX_set_ciphersuites", list)
        }
    }

    private static func configure(_ ssl: OpaquePointer, fd: Int32, _ options: TLSClientOptions) throws {
        guard SSL_set_fd(ssl, fd) == 1 else { throw TestSupportError.openSSL("SSL_set_fd") }
        if let name = options.serverName, OpenSSLMacro.SSL_set_tlsext_host_name(ssl, name) != 1 {
            throw TestSupportError.openSSL("SSL_set_tlsext_host_name", name)
        }
        if let name = options.verifyHostname, SSL_set1_host(ssl, name) != 1 {
            throw TestSupportError.openSSL("SSL_set1_host", name)
        }
        if options.requestOCSPStatus, OpenSSLMacro.SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp) != 1 {
            throw TestSupportError.openSSL("SSL_set_tlsext_status_type")
        }
        if !options.alpn.isEmpty {
            var wire: [UInt8] = []
            for proto in options.alpn {
                wire.append(UInt8(proto.utf8.count))
                wire += proto.utf8
            }
            // Unlike most of OpenSSL, SSL_set_alpn_protos returns 0 on success.
            guard SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) == 0 else {
                throw TestSupportError.openSSL("SSL_set_alpn_protos", options.alpn.joined(separator: ","))
            }
        }
        if let session = options.resumeSession, SSL_set_session(ssl, session.pointer) != 1 {
            throw TestSupportError.openSSL("SSL_set_session")
        }
    }

    private static func describe(_ ssl: OpaquePointer) -> TLSHandshakeInfo {
        var alpnData: UnsafePointer<UInt8>?
        var alpnLength: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &alpnData, &alpnLength)
        let alpn = alpnData.map {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(alpnLength)), as: UTF8.self)
        }

        var staple: UnsafePointer<UInt8>?
        let stapleLength = CStapledShims_SSL_get_tlsext_status_ocsp_resp(ssl, &staple)
        let stapled = staple.flatMap { bytes in
            stapleLength > 0 ? Array(UnsafeBufferPointer(start: bytes, count: stapleLength)) : nil
        }

        var peer: TLSPeerCertificate?
        if let certificate = SSL_get1_peer_certificate(ssl) {
            peer = PeerCertificateReader.describe(certificate)
            X509_free(certificate)
        }
        var chain: [String] = []
        if let stack = SSL_get_peer_cert_chain(ssl) {
            for index in 0..<CStapledShims_sk_X509_num(stack) {
                if let certificate = CStapledShims_sk_X509_value(stack, index) {
                    chain.append(PeerCertificateReader.oneLine(X509_get_subject_name(certificate)))
                }
            }
        }
        let verify = SSL_get_verify_result(ssl)
        return TLSHandshakeInfo(
            version: String(cString: SSL_get_version(ssl)),
            cipher: SSL_get_current_cipher(ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "",
            alpn: alpn, peerCertificate: peer, peerChainSubjects: chain, stapledOCSPResponse: stapled,
            verifyResult: verify, verifyResultText: verifyText(verify), sessionReused: SSL_session_reused(ssl) == 1)
    }

    private static func verifyText(_ result: Int) -> String { String(cString: X509_verify_cert_error_string(result)) }

    private static func ioError(_ ssl: OpaquePointer, _ rc: Int32, _ operation: String) -> TestSupportError {
        let savedErrno = errno
        let error = SSL_get_error(ssl, rc)
        if error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 {
            if savedErrno == EAGAIN || savedErrno == EWOULDBLOCK {
                return TestSupportError(.timedOut, operation, "no progress before the socket timeout")
            }
            return savedErrno == 0
                ? TestSupportError(.protocolViolation, operation, "the peer closed the connection")
                : TestSupportError.systemCall(operation, errno: savedErrno)
        }
        return TestSupportError.openSSL(operation, "SSL_get_error \(error)")
    }

    private static func closedError(_ operation: String) -> TestSupportError {
        TestSupportError(.protocolViolation, "TLSTestClient.\(operation)", "the client is closed")
    }
}
