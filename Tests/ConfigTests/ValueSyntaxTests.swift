import Testing

@testable import Config

/// The value parsers on their own, where a matrix is cheaper than whole config files.
@Suite struct ValueSyntaxTests {
    @Test(arguments: [
        ("::", [UInt8](repeating: 0, count: 16)),
        ("::1", [UInt8](repeating: 0, count: 15) + [1]),
        ("2001:db8::1", [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]),
        ("1:2:3:4:5:6:7:8", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]),
        ("1::", [0, 1] + [UInt8](repeating: 0, count: 14)),
        ("::ffff:192.0.2.1", [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 192, 0, 2, 1]),
        ("FE80::A", [0xfe, 0x80] + [UInt8](repeating: 0, count: 12) + [0, 0x0a]),
    ])
    func ipv6(text: String, bytes: [UInt8]) throws {
        #expect(try IPAddress.parse(text) == .v6(bytes))
    }

    @Test(arguments: [
        ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", ":1::", "1::2:",
        "12345::", "g::1", "::1.2.3", "1.2.3.4::", "",
    ])
    func invalidIPv6(text: String) {
        #expect(throws: ValueError.self) { try IPAddress.parseIPv6(text) }
    }

    @Test(arguments: ["1.2.3", "1.2.3.4.5", "01.2.3.4", "1..3.4", "256.1.1.1", "1.2.3.-4", ""])
    func invalidIPv4(text: String) {
        #expect(throws: ValueError.self) { try IPAddress.parseIPv4(text) }
    }

    @Test func ipv4() throws {
        #expect(try IPAddress.parse("192.0.2.255") == .v4([192, 0, 2, 255]))
        #expect(try IPAddress.parse("0.0.0.0") == .v4([0, 0, 0, 0]))
    }

    @Test(arguments: ["", "s", ".5s", "5.s", "1..5s", "1.5.5s", "10 s", "-1s", "1e3s", "10S", "10us", "9999999999999s"])
    func invalidDurations(text: String) {
        #expect(throws: ValueError.self) { try DurationSyntax.parse(text) }
    }

    @Test func durationPrecisionStopsAtNanoseconds() throws {
        #expect(try DurationSyntax.parse("0.000000001s") == .nanoseconds(1))
        #expect(throws: ValueError.self) { try DurationSyntax.parse("0.0000000001s") }
        #expect(try DurationSyntax.parse("106751d") == .seconds(106_751 * 86_400))
        #expect(throws: ValueError.self) { try DurationSyntax.parse("106752d") }
    }

    @Test(arguments: [
        (Duration.seconds(90), "90s"), (.seconds(120), "2m"), (.seconds(7_200), "2h"), (.seconds(86_400), "1d"),
        (.milliseconds(1_500), "1500ms"), (.zero, "0s"),
    ])
    func durationFormat(duration: Duration, text: String) {
        #expect(DurationSyntax.format(duration) == text)
    }

    @Test(arguments: ["", "k", "0", "0k", "-1", "1g", "1.5k", "1 k", "99999999999999"])
    func invalidSizes(text: String) {
        #expect(throws: ValueError.self) { try SizeSyntax.parse(text) }
    }

    @Test(arguments: [
        ("listen", "listen", 0), ("listn", "listen", 1), ("lsiten", "listen", 1), ("wrokers", "workers", 1),
        ("", "abc", 3), ("kitten", "sitting", 3), ("Mode", "mode", 0),
    ])
    func editDistance(a: String, b: String, distance: Int) {
        #expect(EditDistance.distance(a, b) == distance)
    }

    @Test func suggestionsOnlyWhenClose() {
        let frontend = ConfigContext.frontend.directives.map(\.name)
        #expect(EditDistance.suggestion(for: "listn", among: frontend) == "listen")
        #expect(EditDistance.suggestion(for: "cipher", among: frontend) == "ciphers")
        #expect(EditDistance.suggestion(for: "idle_timout", among: frontend) == "idle_timeout")
        #expect(EditDistance.suggestion(for: "mod", among: frontend) == "mode")
        #expect(EditDistance.suggestion(for: "xyz", among: frontend) == nil)
        #expect(EditDistance.suggestion(for: "certfile", among: frontend) == nil)
        #expect(EditDistance.suggestion(for: "cert", among: frontend) == "certificate")
        #expect(EditDistance.suggestion(for: "ses", among: frontend) == "session_ticket_lifetime")
        #expect(EditDistance.suggestion(for: "c", among: frontend) == nil)
    }

    @Test func everySchemaDirectiveHasUniqueNamesPerContext() {
        for context in ConfigContext.allCases {
            let names = context.directives.map(\.name)
            #expect(Set(names).count == names.count, "\(context)")
        }
    }
}
