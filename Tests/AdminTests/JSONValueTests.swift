import Foundation
import Testing

@testable import Daemon

@Suite("JSONValue writing and parsing")
struct JSONValueTests {
    @Test("writes compact JSON that Foundation reads back")
    func writes() throws {
        let value: JSONValue = .object([
            ("a", .integer(UInt64.max)), ("b", .array([.bool(true), .bool(false), .null])),
            ("c", .string("x\"y\\z\n")), ("d", .string(nil)), ("e", .object([])),
        ])
        #expect(
            value.serialized == #"{"a":18446744073709551615,"b":[true,false,null],"c":"x\"y\\z\n","d":null,"e":{}}"#)
        let object = try AdminFixtures.foundationJSON(value.serialized)
        #expect(object["c"] as? String == "x\"y\\z\n")
    }

    @Test("control characters are escaped; non-ASCII is written as UTF-8")
    func controlCharacters() {
        #expect(JSONValue.string("\u{00}\u{1F}\u{08}\u{0C}\t").serialized == #""\u0000\u001f\b\f\t""#)
        #expect(JSONValue.string("é😀").serialized == "\"é😀\"")
    }

    @Test("parses what it writes back to the same value")
    func roundTrip() throws {
        let value: JSONValue = .object([
            ("text", .string("line\nbreak \"quoted\" \u{01} 😀")), ("number", .number("-12.5e3")),
            ("list", .array([.integer(1), .string(""), .object([("k", .null)])])),
        ])
        #expect(try JSONValue(parsing: value.serialized) == value)
    }

    @Test("escapes, surrogate pairs, whitespace")
    func parsesEscapes() throws {
        let value = try JSONValue(parsing: " { \"a\" : \"\\u00e9\\ud83d\\ude00\\/\\b\" , \"b\" : [ 1 , 2 ] } ")
        #expect(value["a"]?.stringValue == "é😀/\u{08}")
        #expect(value["b"]?.arrayValue?.compactMap(\.integerValue) == [1, 2])
    }

    @Test(
        "rejects malformed documents",
        arguments: [
            "", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "\"unterminated", "\"bad \\x escape\"", "\"\\ud83d alone\"",
            "01", "1.", "-", "tru", "{\"a\" 1}", "[1] [2]", "\"raw \u{01} control\"", String(repeating: "[", count: 65),
        ])
    func rejects(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test("nesting up to the cap is accepted")
    func depth() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONValue(parsing: text)
    }
}
