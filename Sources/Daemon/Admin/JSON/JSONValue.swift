/// A JSON document, small enough for the admin endpoint's `/status` and the `stapled status`
/// client that reads it, without Foundation.
///
/// Objects keep their keys in order, so the written document reads the way it was built. Numbers
/// keep the literal text, so integers of any size survive a round trip.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written (`42`, `-1.5e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// An integer of any width.
    static func integer(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }

    /// A string, or `null` when nil.
    static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    /// The value of `key` in an object (the first, if repeated); nil for a missing key or a non-object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.key == key }?.value
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var integerValue: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var isNull: Bool { self == .null }

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.elementsEqual(y) { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}
