import COpenSSL
import CStapledShims
import Glibc

/// One server `SSL_CTX` serving one set of host names, with at most one certificate per key type
/// (OpenSSL picks ECDSA or RSA per client from its signature algorithms).
// @unchecked Sendable: the SSL_CTX is fully configured in init and never changed afterwards;
// OpenSSL allows SSL_new and handshakes on one context from many threads.
public final class ServerContext: @unchecked Sendable {
    /// The owned `SSL_CTX *`; freed in `deinit` (connections hold their own reference).
    public let pointer: OpaquePointer
    /// The certificates loaded into this context, in config order.
    public let certificates: [ServedCertificate]
    /// Lower-case DNS names the certificates cover (the first certificate's names).
    public let names: [String]
    /// The staple slot of each certificate, by its `X509 *` (what `SSL_get_certificate` returns).
    private let slots: [(x509: OpaquePointer, slot: StapleSlot)]

    init(
        certificates: [ServedCertificate], settings: TLSSettings, ticketKeys: TicketKeyRing,
        stapleSlot: (ServedCertificate) -> StapleSlot?
    ) throws(TLSError) {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError(.contextSetup, operation: "SSL_CTX_new", message: "cannot create a TLS context")
        }
        pointer = ctx
        self.certificates = certificates
        names = certificates.first?.leaf.dnsNames ?? []
        slots = certificates.compactMap { certificate in stapleSlot(certificate).map { (certificate.leaf.pointer, $0) }
        }
        try configure(settings: settings, ticketKeys: ticketKeys)
        for certificate in certificates {
            try load(certificate)
        }
        if !slots.isEmpty {
            _ = CStapledShims_SSL_CTX_set_tlsext_status_cb(pointer, Self.statusCallback)
            _ = CStapledShims_SSL_CTX_set_tlsext_status_arg(pointer, Unmanaged.passUnretained(self).toOpaque())
        }
        if certificates.count > 1 && !slots.isEmpty {
            SSL_CTX_set_cert_cb(pointer, Self.certificateCallback, Unmanaged.passUnretained(self).toOpaque())
        }
    }

    /// Whether the certificate with this leaf may be served at `now` (see `StapleSlot.isUnfit`);
    /// certificates that are not stapled are always fit.
    private func isFit(_ leaf: OpaquePointer, now: Int64) -> Bool {
        !(slots.first { $0.x509 == leaf }?.slot.isUnfit(now: now) ?? false)
    }

    /// Runs after SNI, before OpenSSL picks ECDSA or RSA: when this context holds a certificate
    /// that is unfit (revoked, or Must-Staple without a valid staple) and another that is fit,
    /// only the fit ones are offered to this handshake. The common case (all fit) touches nothing.
    private static let certificateCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = {
        ssl, arg in
        guard let ssl, let arg else { return 1 }
        let context = Unmanaged<ServerContext>.fromOpaque(arg).takeUnretainedValue()
        let now = Int64(time(nil))
        let fit = context.certificates.filter { context.isFit($0.leaf.pointer, now: now) }
        guard !fit.isEmpty, fit.count < context.certificates.count else { return 1 }
        SSL_certs_clear(ssl)
        for certificate in fit {
            guard let chain = CStapledShims_sk_X509_new_null() else { return 0 }
            defer { CStapledShims_sk_X509_free(chain) }  // SSL_use_cert_and_key takes its own references.
            for intermediate in certificate.intermediates {
                _ = CStapledShims_sk_X509_push(chain, intermediate.pointer)
            }
            guard SSL_use_cert_and_key(ssl, certificate.leaf.pointer, certificate.key.pointer, chain, 1) == 1 else {
                return 0
            }
        }
        return 1
    }

    /// True when some certificate of this context is fit to serve now (see `StapleSlot.isUnfit`).
    public func isFit(now: Int64) -> Bool {
        slots.isEmpty || slots.contains { !$0.slot.isUnfit(now: now) } || slots.count < certificates.count
    }

    /// OpenSSL asks for the staple of the certificate it selected (after SNI and the ECDSA/RSA
    /// choice). Only a staple valid right now is sent, as a copy OpenSSL owns and frees.
    private static let statusCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = {
        ssl, arg in
        guard let ssl, let arg, let certificate = SSL_get_certificate(ssl) else { return SSL_TLSEXT_ERR_NOACK }
        let context = Unmanaged<ServerContext>.fromOpaque(arg).takeUnretainedValue()
        for entry in context.slots where entry.x509 == certificate {
            guard let staple = entry.slot.validStaple(now: Int64(time(nil))) else { return SSL_TLSEXT_ERR_NOACK }
            let copy = staple.der.withUnsafeBytes { CStapledShims_OPENSSL_memdup($0.baseAddress, $0.count) }
            guard let copy else { return SSL_TLSEXT_ERR_NOACK }
            if CStapledShims_SSL_set_tlsext_status_ocsp_resp(
                ssl, copy.assumingMemoryBound(to: UInt8.self), staple.der.count) != 1
            {
                CStapledShims_OPENSSL_free(copy)
                return SSL_TLSEXT_ERR_NOACK
            }
            return SSL_TLSEXT_ERR_OK
        }
        return SSL_TLSEXT_ERR_NOACK
    }

    deinit { SSL_CTX_free(pointer) }

    private func configure(settings: TLSSettings, ticketKeys: TicketKeyRing) throws(TLSError) {
        func version(_ v: TLSSettings.Version) -> Int32 {
            v == .tls12 ? CStapledShims_TLS1_2_VERSION() : CStapledShims_TLS1_3_VERSION()
        }
        guard CStapledShims_SSL_CTX_set_min_proto_version(pointer, version(settings.minVersion)) == 1,
            CStapledShims_SSL_CTX_set_max_proto_version(pointer, version(settings.maxVersion)) == 1
        else {
            throw TLSError(.invalidSetting, operation: "set_proto_version", message: "cannot set protocol versions")
        }
        _ = SSL_CTX_set_options(
            pointer,
            CStapledShims_SSL_OP_NO_RENEGOTIATION() | CStapledShims_SSL_OP_NO_COMPRESSION()
                | CStapledShims_SSL_OP_IGNORE_UNEXPECTED_EOF())
        _ = CStapledShims_SSL_CTX_set_mode(
            pointer,
            CStapledShims_SSL_MODE_RELEASE_BUFFERS() | CStapledShims_SSL_MODE_ENABLE_PARTIAL_WRITE()
                | CStapledShims_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER())
        _ = CStapledShims_SSL_CTX_set_read_ahead(pointer, 1)
        // One TLS 1.3 ticket per full handshake, not OpenSSL's default two: a client resumes one
        // connection with it (a resumption hands out a fresh one), and each ticket costs an
        // encryption, an HMAC and a record on every full handshake.
        _ = SSL_CTX_set_num_tickets(pointer, 1)
        guard SSL_CTX_set_cipher_list(pointer, settings.ciphers) == 1 else {
            throw TLSError(
                .invalidSetting, operation: "SSL_CTX_set_cipher_list",
                message: "invalid ciphers \"\(settings.ciphers)\"")
        }
        guard SSL_CTX_set_ciphersuites(pointer, settings.ciphersuites) == 1 else {
            throw TLSError(
                .invalidSetting, operation: "SSL_CTX_set_ciphersuites",
                message: "invalid ciphersuites \"\(settings.ciphersuites)\"")
        }
        guard CStapledShims_SSL_CTX_set1_groups_list(pointer, settings.curves) == 1 else {
            throw TLSError(
                .invalidSetting, operation: "SSL_CTX_set1_groups_list", message: "invalid curves \"\(settings.curves)\""
            )
        }
        _ = CStapledShims_SSL_CTX_set_dh_auto(pointer, 1)
        // Stateless tickets only: no server-side session cache to grow or lock.
        _ = CStapledShims_SSL_CTX_set_session_cache_mode(pointer, 0)
        SSL_CTX_set_ex_data(pointer, TicketKeyRing.exDataIndex, Unmanaged.passUnretained(ticketKeys).toOpaque())
        _ = CStapledShims_SSL_CTX_set_tlsext_ticket_key_evp_cb(pointer, TicketKeyRing.callback)
    }

    private func load(_ certificate: ServedCertificate) throws(TLSError) {
        guard let chain = CStapledShims_sk_X509_new_null() else {
            throw TLSError(.contextSetup, operation: "sk_X509_new_null", message: "out of memory")
        }
        defer { CStapledShims_sk_X509_free(chain) }  // SSL_CTX_use_cert_and_key takes its own references.
        for intermediate in certificate.intermediates {
            _ = CStapledShims_sk_X509_push(chain, intermediate.pointer)
        }
        guard SSL_CTX_use_cert_and_key(pointer, certificate.leaf.pointer, certificate.key.pointer, chain, 1) == 1 else {
            throw TLSError(
                .contextSetup, operation: "SSL_CTX_use_cert_and_key", file: certificate.chainPath,
                message: "OpenSSL refused the certificate and key")
        }
    }
}
