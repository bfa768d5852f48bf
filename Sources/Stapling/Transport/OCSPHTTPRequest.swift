/// The bytes of an HTTP/1.1 request for one OCSP request, and the method chosen for it.
///
/// RFC 6960 appendix A: GET `{url}/{url-encoding of base64 of the DER OCSPRequest}` when that
/// encoding is at most 255 bytes, POST with `Content-Type: application/ocsp-request` otherwise.
struct OCSPHTTPRequest {
    /// The longest URL-encoded request that is sent with GET.
    static let maximumGETEncodingLength = 255

    let method: OCSPHTTPMethod
    let bytes: [UInt8]

    /// - Parameter absoluteForm: send the absolute URI as the request target (through an HTTP proxy).
    init(url: OCSPResponderURL, der: [UInt8], absoluteForm: Bool) {
        let encoded = Self.urlEncode(Self.base64(der))
        // A query in the responder URL would end up before the encoded request: POST instead.
        let useGET = encoded.utf8.count <= Self.maximumGETEncodingLength && !url.path.contains("?")
        let path = useGET ? url.path + (url.path.hasSuffix("/") ? "" : "/") + encoded : url.path
        let target = absoluteForm ? url.origin + path : path

        var head = "\(useGET ? "GET" : "POST") \(target) HTTP/1.1\r\n"
        head += "Host: \(url.hostHeader)\r\n"
        head += "User-Agent: stapled\r\n"
        head += "Accept: application/ocsp-response\r\n"
        head += "Connection: close\r\n"
        if !useGET {
            head += "Content-Type: application/ocsp-request\r\n"
            head += "Content-Length: \(der.count)\r\n"
        }
        head += "\r\n"

        method = useGET ? .get : .post
        bytes = Array(head.utf8) + (useGET ? [] : der)
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (RFC 4648 §4).
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(base64Alphabet[Int(triple >> 18 & 0x3F)])
            out.append(base64Alphabet[Int(triple >> 12 & 0x3F)])
            out.append(index + 1 < bytes.count ? base64Alphabet[Int(triple >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? base64Alphabet[Int(triple & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes the three base64 characters that are not unreserved in a URI path.
    static func urlEncode(_ base64: String) -> String {
        var out = ""
        out.reserveCapacity(base64.utf8.count + 16)
        for character in base64 {
            switch character {
            case "+": out += "%2B"
            case "/": out += "%2F"
            case "=": out += "%3D"
            default: out.append(character)
            }
        }
        return out
    }
}
