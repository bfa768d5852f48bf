#if canImport(Glibc)
    import Glibc
#endif

/// A PROXY protocol header as a backend reads it, decoded independently of the daemon's writer
/// (HAProxy's proxy-protocol.txt, versions 1 and 2).
public struct ProxyProtocolHeaderInfo: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        /// A relayed connection: the addresses are the client's and the one it connected to.
        case proxy
        /// v2 LOCAL, or v1 `UNKNOWN`: no addresses.
        case local
    }

    /// One TLV: type and value bytes.
    public struct TLV: Sendable, Equatable {
        public var type: UInt8
        public var value: [UInt8]
    }

    public var version: Int
    public var command: Command
    /// `TCP4`/`TCP6` (v1) or the family byte's meaning (v2): `tcp4`, `tcp6`, or nil without addresses.
    public var isIPv6: Bool?
    public var sourceAddress: String?
    public var sourcePort: UInt16?
    public var destinationAddress: String?
    public var destinationPort: UInt16?
    /// Top-level TLVs (v2), in order.
    public var tlvs: [TLV] = []
    /// The header's length in bytes: the client's data starts here.
    public var length: Int

    /// The value of the first top-level TLV of `type`.
    public func tlv(_ type: UInt8) -> [UInt8]? { tlvs.first { $0.type == type }?.value }

    /// PP2_TYPE_SSL (0x20) decoded: client flags, verify, and its sub-TLVs.
    public var ssl: (client: UInt8, verify: UInt32, subTLVs: [TLV])? {
        guard let value = tlv(0x20), value.count >= 5 else { return nil }
        let verify = value[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard let sub = try? ProxyProtocolParser.tlvs(Array(value[5...])) else { return nil }
        return (value[0], verify, sub)
    }

    /// A sub-TLV of PP2_TYPE_SSL as text (`0x21` version, `0x23` cipher).
    public func sslText(_ subtype: UInt8) -> String? {
        ssl?.subTLVs.first { $0.type == subtype }.map { String(decoding: $0.value, as: UTF8.self) }
    }

    /// A top-level TLV as text (`0x01` ALPN, `0x02` authority).
    public func text(_ type: UInt8) -> String? { tlv(type).map { String(decoding: $0, as: UTF8.self) } }
}

/// Decodes PROXY protocol headers; throws `.protocolViolation` on anything malformed.
public enum ProxyProtocolParser {
    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// The header at the start of `bytes`; nil when more bytes are needed to tell.
    public static func parse(_ bytes: [UInt8]) throws -> ProxyProtocolHeaderInfo? {
        if bytes.starts(with: v2Signature) { return try parseV2(bytes) }
        if v2Signature.starts(with: bytes) { return nil }
        if bytes.starts(with: Array("PROXY ".utf8)) { return try parseV1(bytes) }
        if Array("PROXY ".utf8).starts(with: bytes) { return nil }
        throw violation("neither a v1 nor a v2 PROXY header: \(bytes.prefix(16))")
    }

    private static func violation(_ detail: String) -> TestSupportError {
        TestSupportError(.protocolViolation, "PROXY protocol header", detail)
    }

    private static func parseV1(_ bytes: [UInt8]) throws -> ProxyProtocolHeaderInfo? {
        guard let newline = bytes.firstIndex(of: 0x0A) else {
            if bytes.count > 107 { throw violation("v1 header longer than 107 bytes") }
            return nil
        }
        guard newline > 0, bytes[newline - 1] == 0x0D, newline + 1 <= 107 else {
            throw violation("v1 header must end in CRLF within 107 bytes")
        }
        let line = String(decoding: bytes[..<(newline - 1)], as: UTF8.self)
        let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if fields.count >= 2 && fields[1] == "UNKNOWN" {
            return ProxyProtocolHeaderInfo(version: 1, command: .local, length: newline + 1)
        }
        guard fields.count == 6, fields[1] == "TCP4" || fields[1] == "TCP6",
            let sourcePort = UInt16(fields[4]), let destinationPort = UInt16(fields[5])
        else { throw violation("malformed v1 header: \(line)") }
        let isIPv6 = fields[1] == "TCP6"
        for address in [fields[2], fields[3]] {
            var storage = in6_addr()
            guard inet_pton(isIPv6 ? AF_INET6 : AF_INET, address, &storage) == 1 else {
                throw violation("\(address) is not an \(isIPv6 ? "IPv6" : "IPv4") address")
            }
        }
        return ProxyProtocolHeaderInfo(
            version: 1, command: .proxy, isIPv6: isIPv6, sourceAddress: fields[2], sourcePort: sourcePort,
            destinationAddress: fields[3], destinationPort: destinationPort, length: newline + 1)
    }

    private static func parseV2(_ bytes: [UInt8]) throws -> ProxyProtocolHeaderInfo? {
        guard bytes.count >= 16 else { return nil }
        let versionCommand = bytes[12]
        guard versionCommand >> 4 == 2 else { throw violation("v2 version nibble is \(versionCommand >> 4)") }
        let command: ProxyProtocolHeaderInfo.Command
        switch versionCommand & 0x0F {
        case 0: command = .local
        case 1: command = .proxy
        default: throw violation("v2 command \(versionCommand & 0x0F)")
        }
        let length = Int(bytes[14]) << 8 | Int(bytes[15])
        guard bytes.count >= 16 + length else { return nil }
        let body = Array(bytes[16..<(16 + length)])
        var info = ProxyProtocolHeaderInfo(version: 2, command: command, length: 16 + length)
        let addressLength: Int
        switch bytes[13] {
        case 0x00: addressLength = 0
        case 0x11: addressLength = 12
        case 0x21: addressLength = 36
        default: throw violation("v2 family/protocol byte \(bytes[13])")
        }
        guard body.count >= addressLength else { throw violation("v2 address block shorter than its family") }
        if addressLength > 0 {
            let isIPv6 = addressLength == 36
            let size = isIPv6 ? 16 : 4
            info.isIPv6 = isIPv6
            info.sourceAddress = text(of: Array(body[0..<size]), ipv6: isIPv6)
            info.destinationAddress = text(of: Array(body[size..<(2 * size)]), ipv6: isIPv6)
            info.sourcePort = UInt16(body[2 * size]) << 8 | UInt16(body[2 * size + 1])
            info.destinationPort = UInt16(body[2 * size + 2]) << 8 | UInt16(body[2 * size + 3])
        }
        info.tlvs = try tlvs(Array(body[addressLength...]))
        return info
    }

    /// A sequence of type, 16-bit big-endian length, value; the lengths must add up exactly.
    static func tlvs(_ bytes: [UInt8]) throws -> [ProxyProtocolHeaderInfo.TLV] {
        var result: [ProxyProtocolHeaderInfo.TLV] = []
        var index = 0
        while index < bytes.count {
            guard index + 3 <= bytes.count else { throw violation("truncated TLV header at \(index)") }
            let length = Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            guard index + 3 + length <= bytes.count else { throw violation("TLV 0x\(bytes[index]) overruns its block") }
            result.append(.init(type: bytes[index], value: Array(bytes[(index + 3)..<(index + 3 + length)])))
            index += 3 + length
        }
        return result
    }

    private static func text(of address: [UInt8], ipv6: Bool) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let size = socklen_t(buffer.count)
        _ = address.withUnsafeBytes { raw in inet_ntop(ipv6 ? AF_INET6 : AF_INET, raw.baseAddress, &buffer, size) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
