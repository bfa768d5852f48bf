import COpenSSL
import CStapledShims
import Glibc
import Synchronization

/// Session-ticket keys that rotate automatically.
///
/// A new key encrypts tickets every `lifetime` seconds; the previous key still decrypts (and asks
/// for a renewed ticket) for one more period; older tickets are refused and fall back to a full
/// handshake. Keys live only in memory, so a restart invalidates every ticket, as it should.
public final class TicketKeyRing: Sendable {
    struct Key {
        var name: [UInt8]  // 16 bytes
        var aes: [UInt8]  // 32 bytes
        var hmac: [UInt8]  // 32 bytes
        var createdAt: Int64
    }

    private struct Keys {
        var current: Key
        var previous: Key?
    }

    private let lifetime: Int64
    private let keys: Mutex<Keys>

    public init(lifetime seconds: Double) {
        lifetime = max(60, Int64(seconds))
        keys = Mutex(Keys(current: Self.freshKey(now: Self.now()), previous: nil))
    }

    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec)
    }

    static func freshKey(now: Int64) -> Key {
        func random(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            // RAND_bytes only fails when the DRBG cannot be seeded; a ticket key must never be predictable.
            guard RAND_bytes(&bytes, Int32(count)) == 1 else {
                fatalError("RAND_bytes failed: cannot make ticket keys")
            }
            return bytes
        }
        return Key(name: random(16), aes: random(32), hmac: random(32), createdAt: now)
    }

    /// The key for new tickets, rotating first if it is due.
    func encryptionKey() -> Key {
        keys.withLock { keys in
            let now = Self.now()
            if now - keys.current.createdAt >= lifetime {
                keys.previous = keys.current
                keys.current = Self.freshKey(now: now)
            }
            return keys.current
        }
    }

    /// The key named `name`, and whether the ticket should be renewed (it used the previous key).
    func decryptionKey(named name: UnsafePointer<UInt8>) -> (Key, renew: Bool)? {
        keys.withLock { keys in
            if memcmp(keys.current.name, name, 16) == 0 { return (keys.current, false) }
            if let previous = keys.previous, memcmp(previous.name, name, 16) == 0,
                Self.now() - previous.createdAt < 2 * lifetime
            {
                return (previous, true)
            }
            return nil
        }
    }

    /// OpenSSL's ticket callback (`SSL_CTX_set_tlsext_ticket_key_evp_cb`): AES-256-CBC + HMAC-SHA256.
    /// The ring is found through the context's ex_data slot `TicketKeyRing.exDataIndex`.
    static let callback:
        @convention(c) (
            OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, OpaquePointer?, OpaquePointer?,
            Int32
        ) -> Int32 = { ssl, keyName, iv, cipherContext, macContext, encrypt in
            guard let ssl, let keyName, let iv, let ctx = SSL_get_SSL_CTX(ssl),
                let data = SSL_CTX_get_ex_data(ctx, TicketKeyRing.exDataIndex)
            else { return -1 }
            let ring = Unmanaged<TicketKeyRing>.fromOpaque(data).takeUnretainedValue()
            if encrypt == 1 {
                let key = ring.encryptionKey()
                guard RAND_bytes(iv, 16) == 1 else { return -1 }
                for index in 0..<16 { keyName[index] = key.name[index] }
                guard EVP_EncryptInit_ex(cipherContext, EVP_aes_256_cbc(), nil, key.aes, iv) == 1,
                    setHMAC(macContext, key: key.hmac)
                else { return -1 }
                return 1
            }
            guard let (key, renew) = ring.decryptionKey(named: keyName) else { return 0 }
            guard setHMAC(macContext, key: key.hmac),
                EVP_DecryptInit_ex(cipherContext, EVP_aes_256_cbc(), nil, key.aes, iv) == 1
            else { return -1 }
            return renew ? 2 : 1
        }

    private static func setHMAC(_ macContext: OpaquePointer?, key: [UInt8]) -> Bool {
        // OSSL_PARAM keeps pointers to its name and value: they must outlive the set_params call,
        // so names and the digest come from static strings, not temporary bridged ones.
        let keyName: StaticString = "key"  // OSSL_MAC_PARAM_KEY
        let digestName: StaticString = "digest"  // OSSL_MAC_PARAM_DIGEST
        let digest: StaticString = "SHA256"
        var key = key
        return key.withUnsafeMutableBytes { raw in
            func cString(_ text: StaticString) -> UnsafeMutablePointer<CChar> {
                UnsafeMutableRawPointer(mutating: text.utf8Start).assumingMemoryBound(to: CChar.self)
            }
            var params = [
                OSSL_PARAM_construct_octet_string(cString(keyName), raw.baseAddress, raw.count),
                OSSL_PARAM_construct_utf8_string(cString(digestName), cString(digest), 0),
                OSSL_PARAM_construct_end(),
            ]
            return EVP_MAC_CTX_set_params(macContext, &params) == 1
        }
    }

    /// The SSL_CTX ex_data slot holding an unretained pointer to the frontend's ring.
    static let exDataIndex: Int32 = CStapledShims_SSL_CTX_get_ex_new_index()
}
