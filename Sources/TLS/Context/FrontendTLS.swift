import COpenSSL
import CStapledShims
import Glibc

/// Every TLS context of one frontend and the SNI choice between them.
///
/// Certificates with the same names share a context (one per key type, so ECDSA and RSA are both
/// served); a second certificate of the same key type and names gets its own context. The context
/// of the first configured certificate is the default, used for clients without SNI or with a
/// name nothing covers.
// @unchecked Sendable: immutable after init; the SNI and ALPN callbacks only read it.
public final class FrontendTLS: @unchecked Sendable {
    public let contexts: [ServerContext]
    public let ticketKeys: TicketKeyRing
    /// ALPN protocols in wire format (length-prefixed), server preference order.
    private let alpnWire: [UInt8]
    /// Lower-cased names per context, as bytes, for allocation-free matching in the SNI callback.
    private let nameTable: [(names: [[UInt8]], context: ServerContext)]

    public var defaultContext: ServerContext { contexts[0] }

    /// `stapleSlot` gives each certificate's slot; nil for a certificate that is never stapled.
    public init(
        certificates: [ServedCertificate], settings: TLSSettings,
        stapleSlot: (ServedCertificate) -> StapleSlot? = { _ in nil }
    ) throws(TLSError) {
        guard !certificates.isEmpty else {
            throw TLSError(.noCertificate, operation: "frontend", message: "a frontend needs at least one certificate")
        }
        ticketKeys = TicketKeyRing(lifetime: settings.ticketKeyLifetime)
        var groups: [[ServedCertificate]] = []
        for certificate in certificates {
            let names = Set(certificate.leaf.dnsNames)
            if let index = groups.firstIndex(where: { group in
                Set(group[0].leaf.dnsNames) == names && !group.contains { $0.leaf.keyType == certificate.leaf.keyType }
            }) {
                groups[index].append(certificate)
            } else {
                groups.append([certificate])
            }
        }
        var contexts: [ServerContext] = []
        for group in groups {
            contexts.append(
                try ServerContext(
                    certificates: group, settings: settings, ticketKeys: ticketKeys, stapleSlot: stapleSlot))
        }
        self.contexts = contexts
        nameTable = contexts.map { context in (context.names.map { Array($0.utf8) }, context) }
        alpnWire = settings.alpn.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
        let me = Unmanaged.passUnretained(self).toOpaque()
        for context in contexts {
            _ = CStapledShims_SSL_CTX_set_tlsext_servername_callback(context.pointer, Self.serverNameCallback)
            _ = CStapledShims_SSL_CTX_set_tlsext_servername_arg(context.pointer, me)
            if !alpnWire.isEmpty {
                SSL_CTX_set_alpn_select_cb(context.pointer, Self.alpnCallback, me)
            }
        }
    }

    /// The context whose certificate covers `host` (exact names first, then wildcards), or nil.
    /// Among several that cover it, the first one fit to serve (not revoked, not a Must-Staple
    /// certificate without a valid staple) wins; if none is fit, the first one.
    public func context(for host: UnsafeBufferPointer<UInt8>, now: Int64) -> ServerContext? {
        var fallback: ServerContext?
        for entry in nameTable where entry.names.contains(where: { Self.equalsIgnoringCase($0, host) }) {
            if entry.context.isFit(now: now) { return entry.context }
            if fallback == nil { fallback = entry.context }
        }
        for entry in nameTable where entry.names.contains(where: { Self.wildcard($0, matches: host) }) {
            if entry.context.isFit(now: now) { return entry.context }
            if fallback == nil { fallback = entry.context }
        }
        return fallback
    }

    /// The context for clients without SNI or with an uncovered name: the first configured
    /// certificate's, unless it is unfit and another context covers all of its names.
    public func defaultContext(now: Int64) -> ServerContext {
        let first = contexts[0]
        guard contexts.count > 1, !first.isFit(now: now) else { return first }
        let names = Set(first.names)
        return contexts.dropFirst().first { $0.isFit(now: now) && names.isSubset(of: Set($0.names)) } ?? first
    }

    public func context(for host: String, now: Int64) -> ServerContext? {
        var host = host
        return host.withUTF8 { context(for: $0, now: now) }
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }

    private static func equalsIgnoringCase(_ name: [UInt8], _ host: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count == host.count else { return false }
        for index in 0..<name.count where name[index] != lower(host[index]) { return false }
        return true
    }

    /// `*.example.com` matches `a.example.com`, not `example.com` nor `a.b.example.com`.
    private static func wildcard(_ name: [UInt8], matches host: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count > 2, name[0] == UInt8(ascii: "*"), name[1] == UInt8(ascii: "."),
            let dot = host.firstIndex(of: UInt8(ascii: ".")), dot > 0
        else { return false }
        let suffixLength = name.count - 1  // ".example.com"
        guard host.count - dot == suffixLength else { return false }
        for offset in 0..<suffixLength where name[1 + offset] != lower(host[dot + offset]) { return false }
        return true
    }

    /// Called for every ClientHello (with or without SNI): picks the context to serve.
    private static let serverNameCallback:
        @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutableRawPointer?) -> Int32 = {
            ssl, _, arg in
            guard let ssl, let arg else { return SSL_TLSEXT_ERR_OK }
            let frontend = Unmanaged<FrontendTLS>.fromOpaque(arg).takeUnretainedValue()
            let now = Int64(time(nil))
            var chosen: ServerContext?
            if let name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) {
                let length = strlen(name)
                chosen = name.withMemoryRebound(to: UInt8.self, capacity: length) {
                    frontend.context(for: UnsafeBufferPointer(start: $0, count: length), now: now)
                }
            }
            let context = chosen ?? frontend.defaultContext(now: now)
            if context.pointer != SSL_get_SSL_CTX(ssl) {
                SSL_set_SSL_CTX(ssl, context.pointer)
            }
            return SSL_TLSEXT_ERR_OK
        }

    private static let alpnCallback:
        @convention(c) (
            OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
            UnsafePointer<UInt8>?,
            UInt32, UnsafeMutableRawPointer?
        ) -> Int32 = { _, out, outLength, clientList, clientLength, arg in
            guard let arg, let out, let outLength, let clientList else { return SSL_TLSEXT_ERR_NOACK }
            let frontend = Unmanaged<FrontendTLS>.fromOpaque(arg).takeUnretainedValue()
            return frontend.alpnWire.withUnsafeBufferPointer { server in
                var selected: UnsafeMutablePointer<UInt8>?
                let result = SSL_select_next_proto(
                    &selected, outLength, server.baseAddress, UInt32(server.count), clientList, clientLength)
                guard result == OPENSSL_NPN_NEGOTIATED, let selected else { return SSL_TLSEXT_ERR_NOACK }
                out.pointee = UnsafePointer(selected)
                return SSL_TLSEXT_ERR_OK
            }
        }
}
