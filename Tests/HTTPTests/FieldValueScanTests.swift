import Testing

@testable import Proxy

/// Field values are checked eight bytes at a time (`HTTPSyntax.hasControlByte`) until a word holds
/// a control byte: every byte class at every offset from the value's start and from an 8-byte
/// boundary must give what a byte-by-byte check gives.
@Suite("Field value scanning")
struct FieldValueScanTests {
    /// What a byte-by-byte check says of `byte`: a control byte or not.
    static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

    @Test("hasControlByte: every byte value at every position of a word, among letters and among obs-text")
    func everyByteEveryPosition() {
        for fill: UInt8 in [0x61, 0x20, 0x80, 0xFF, 0x7E, 0x21] {
            let plain = [UInt8](repeating: fill, count: 8)
            #expect(!HTTPSyntax.hasControlByte(Self.word(plain)))
            for position in 0..<8 {
                for value in 0...255 {
                    var bytes = plain
                    bytes[position] = UInt8(value)
                    #expect(
                        HTTPSyntax.hasControlByte(Self.word(bytes)) == Self.isControl(UInt8(value)),
                        "byte \(value) at \(position) among \(fill)")
                }
            }
        }
    }

    @Test("hasControlByte agrees with the byte check on pseudo-random words")
    func randomWords() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<200_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let word = state
            let bytes = withUnsafeBytes(of: word) { Array($0) }
            #expect(HTTPSyntax.hasControlByte(word) == bytes.contains(where: Self.isControl), "\(bytes)")
        }
    }

    @Test("a bad byte anywhere in values of 0–40 bytes is refused with the violation it names")
    func badByteAnywhere() {
        let cases: [(UInt8, HTTPViolation)] = [
            (0x00, .nul), (0x01, .controlCharacter), (0x0B, .controlCharacter), (0x1F, .controlCharacter),
            (0x7F, .controlCharacter), (0x0A, .bareLF), (0x0D, .bareCR),
        ]
        for length in 1...40 {
            for position in 0..<length {
                for (bad, violation) in cases {
                    var value = [UInt8](repeating: UInt8(ascii: "v"), count: length)
                    value[position] = bad
                    let got = Self.violation(value: value)
                    #expect(got == violation, "byte \(bad) at \(position) of \(length): \(String(describing: got))")
                }
            }
        }
    }

    @Test("tabs, spaces and obs-text anywhere are kept; leading and trailing whitespace is not")
    func goodBytesAnywhere() throws {
        for length in 1...40 {
            for position in 0..<length {
                for good: UInt8 in [0x09, 0x20, 0x80, 0xFF, 0x7E] {
                    var value = [UInt8](repeating: UInt8(ascii: "v"), count: length)
                    value[position] = good
                    let padded = [0x20, 0x09] + value + [0x09, 0x20, 0x20]
                    let parsed = try #require(Self.parse(value: padded), "byte \(good) at \(position) of \(length)")
                    let field = try #require(parsed.fields.last)
                    var expected = value[...]
                    while let first = expected.first, first == 0x20 || first == 0x09 { expected = expected.dropFirst() }
                    while let last = expected.last, last == 0x20 || last == 0x09 { expected = expected.dropLast() }
                    #expect(Array(parsed.bytes[field.valueStart..<field.valueEnd]) == Array(expected))
                }
            }
        }
    }

    static func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    static func request(value: [UInt8]) -> [UInt8] {
        Array("GET / HTTP/1.1\r\nHost: a.test\r\nX-Value: ".utf8) + value + Array("\r\n\r\n".utf8)
    }

    static func violation(value: [UInt8]) -> HTTPViolation? {
        if case .failure(let violation) = HTTPParsing.request(request(value: value)) { return violation }
        return nil
    }

    static func parse(value: [UInt8]) -> ParsedRequest? {
        HTTPParsing.request(request(value: value)).value ?? nil
    }
}
