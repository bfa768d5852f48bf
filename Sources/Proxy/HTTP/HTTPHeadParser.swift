/// A strict HTTP/1.1 head parser (RFC 9110, RFC 9112) for the hot path: it validates every byte
/// once and records offsets into the caller's buffer; the only storage it keeps is its field list,
/// reused from one head to the next (no allocation per header once it has grown).
///
/// Anything a proxy and a backend could read differently is a violation: whitespace before a
/// colon, obs-fold, bare CR or LF, NUL and other control characters, an invalid method, target or
/// version, Host missing, repeated or malformed, and every ambiguous body framing.
struct HTTPHeadParser {
    /// The fields of the last head parsed, in order.
    private(set) var fields: [HTTPField] = []
    /// Field names that the last head's `Connection` fields listed.
    private var nominated: [Range<Int>] = []

    init() {}

    // MARK: - Header section

    /// Parses the header lines of `bytes[start..<length - 2]` (the last two bytes being the blank
    /// line), then marks hop-by-hop fields. Returns what the framing and connection fields say.
    mutating func parseFields(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, length: Int, maxFields: Int
    ) throws(HTTPViolation) -> HTTPFieldSummary {
        if fields.capacity == 0 { fields.reserveCapacity(min(maxFields, 32)) }
        fields.removeAll(keepingCapacity: true)
        nominated.removeAll(keepingCapacity: true)
        var summary = HTTPFieldSummary()
        var index = start
        let end = length - 2
        while index < end {
            guard fields.count < maxFields else { throw .tooManyHeaders }
            let field = try Self.parseField(bytes, at: &index)
            try summarize(field, index: fields.count, bytes, into: &summary)
            fields.append(field)
        }
        markHopByHop(bytes)
        return summary
    }

    /// One `name: value CRLF` line starting at `index`; leaves `index` at the next line.
    private static func parseField(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(HTTPViolation)
        -> HTTPField
    {
        let lineStart = index
        var i = index
        if HTTPSyntax.isWhitespace(bytes[i]) { throw .obsFold }
        while HTTPSyntax.isToken(bytes[i]) { i += 1 }
        let nameEnd = i
        guard bytes[i] == HTTPSyntax.colon, nameEnd > lineStart else {
            if HTTPSyntax.isWhitespace(bytes[i]) && nameEnd > lineStart { throw .whitespaceBeforeColon }
            try checkCharacter(bytes, i)
            throw .invalidFieldName
        }
        i += 1
        while HTTPSyntax.isWhitespace(bytes[i]) { i += 1 }
        let valueStart = i
        // Eight bytes at a time while none is a control byte (the line's CR is one, so this stops
        // before it); the word holding one is checked byte by byte below.
        if let base = bytes.baseAddress {
            while i + 8 <= bytes.count,
                !HTTPSyntax.hasControlByte(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            {
                i += 8
            }
        }
        while true {
            let byte = bytes[i]
            if byte == HTTPSyntax.cr {
                guard bytes[i + 1] == HTTPSyntax.lf else { throw .bareCR }
                break
            }
            guard HTTPSyntax.isFieldValueByte(byte) else {
                try checkCharacter(bytes, i)
                throw .controlCharacter
            }
            i += 1
        }
        var valueEnd = i
        while valueEnd > valueStart && HTTPSyntax.isWhitespace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        index = i + 2
        return HTTPField(
            name: HTTPFieldName.classify(bytes, lineStart, nameEnd), lineStart: lineStart, nameEnd: nameEnd,
            valueStart: valueStart, valueEnd: valueEnd, lineEnd: index)
    }

    /// Throws the specific violation for a byte that is out of place if it is one of those that
    /// have their own (NUL, a bare CR or LF); returns for any other byte (the caller then throws
    /// its own). A CR that ends the line is not bare: it means the line ended too early.
    static func checkCharacter(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) throws(HTTPViolation) {
        let byte = bytes[index]
        if byte == 0 { throw .nul }
        if byte == HTTPSyntax.cr && bytes[index + 1] != HTTPSyntax.lf { throw .bareCR }
        if byte == HTTPSyntax.lf { throw .bareLF }
    }

    /// Folds one field into what the head says about framing and the connection.
    private mutating func summarize(
        _ field: HTTPField, index: Int, _ bytes: UnsafeBufferPointer<UInt8>, into summary: inout HTTPFieldSummary
    ) throws(HTTPViolation) {
        switch field.name {
        case .host:
            guard summary.hostField == nil else { throw .multipleHosts }
            for i in field.valueStart..<field.valueEnd where !HTTPSyntax.isHostByte(bytes[i]) { throw .invalidHost }
            summary.hostField = index
        case .contentLength:
            summary.contentLength = try Self.contentLength(bytes, field, previous: summary.contentLength)
        case .transferEncoding:
            try summary.transferCodings.add(bytes, field)
        case .connection:
            var elements = HTTPListElements(field)
            while let element = elements.next(bytes) {
                for i in element where !HTTPSyntax.isToken(bytes[i]) { throw .invalidConnection }
                if HTTPFieldName.equalsIgnoringCase(bytes, element.lowerBound, element.upperBound, "close") {
                    summary.connection.close = true
                } else if HTTPFieldName.equalsIgnoringCase(bytes, element.lowerBound, element.upperBound, "keep-alive")
                {
                    summary.connection.keepAlive = true
                } else if HTTPFieldName.equalsIgnoringCase(bytes, element.lowerBound, element.upperBound, "upgrade") {
                    summary.connection.upgrade = true
                } else {
                    nominated.append(element)
                }
            }
        case .upgrade:
            summary.hasUpgrade = true
        case .expect:
            if HTTPFieldName.equalsIgnoringCase(bytes, field.valueStart, field.valueEnd, "100-continue") {
                summary.expectsContinue = true
            }
        default:
            break
        }
    }

    /// A `Content-Length` value: one or more equal decimal numbers separated by commas (RFC 9110
    /// §8.6 lets a recipient accept `42, 42`); any difference, also from an earlier field, is fatal.
    private static func contentLength(
        _ bytes: UnsafeBufferPointer<UInt8>, _ field: HTTPField, previous: Int?
    ) throws(HTTPViolation) -> Int {
        var value = previous
        var elements = HTTPListElements(field, keepingEmpty: true)
        while let element = elements.next(bytes) {
            guard !element.isEmpty, element.count <= 18 else { throw .invalidContentLength }
            var number = 0
            for i in element {
                guard HTTPSyntax.isDigit(bytes[i]) else { throw .invalidContentLength }
                number = number * 10 + Int(bytes[i] &- 0x30)
            }
            if let value, value != number { throw .conflictingContentLength }
            value = number
        }
        guard let value else { throw .invalidContentLength }
        return value
    }

    /// Hop-by-hop fields (RFC 9110 §7.6.1) and those `Connection` names are not forwarded. The
    /// framing fields and Host are never removed that way: a client naming them in `Connection`
    /// must not change what the backend reads as the message.
    private mutating func markHopByHop(_ bytes: UnsafeBufferPointer<UInt8>) {
        for index in fields.indices {
            switch fields[index].name {
            case .connection, .keepAlive, .proxyConnection, .te, .trailer, .upgrade:
                fields[index].isHopByHop = true
            case .host, .contentLength, .transferEncoding:
                break
            default:
                guard !nominated.isEmpty else { continue }
                let name = fields[index].lineStart..<fields[index].nameEnd
                if nominated.contains(where: { HTTPFieldName.equalsIgnoringCase(bytes, $0, name) }) {
                    fields[index].isHopByHop = true
                }
            }
        }
    }
}

/// What the header section of a head says, gathered while parsing it.
struct HTTPFieldSummary {
    var hostField: Int?
    var contentLength: Int?
    var transferCodings = HTTPTransferCodings()
    var connection = HTTPConnectionOptions()
    var hasUpgrade = false
    var expectsContinue = false
}

/// The comma-separated elements of a field value, trimmed of whitespace; empty elements are
/// skipped (RFC 9110 §5.6.1) unless the caller keeps them to reject them.
struct HTTPListElements {
    private var position: Int
    private let end: Int
    private let keepingEmpty: Bool

    init(_ field: HTTPField, keepingEmpty: Bool = false) {
        position = field.valueStart
        end = field.valueEnd
        self.keepingEmpty = keepingEmpty
    }

    mutating func next(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        while position <= end {
            var start = position
            var stop = start
            while stop < end && bytes[stop] != HTTPSyntax.comma { stop += 1 }
            position = stop + 1
            var last = stop
            while start < last && HTTPSyntax.isWhitespace(bytes[start]) { start += 1 }
            while last > start && HTTPSyntax.isWhitespace(bytes[last - 1]) { last -= 1 }
            if start < last || keepingEmpty { return start..<last }
        }
        return nil
    }
}

/// The transfer codings of every `Transfer-Encoding` field of a head, in order. Only a single,
/// final `chunked` is accepted: another coding is not implemented (501), and a list whose final
/// coding is not `chunked` (or that repeats it) leaves the length undeterminable (400).
struct HTTPTransferCodings {
    private(set) var isPresent = false
    private var chunkedCount = 0
    private var lastIsChunked = false
    private var hasUnknown = false
    private var hasOtherKnown = false

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ field: HTTPField) throws(HTTPViolation) {
        isPresent = true
        var elements = HTTPListElements(field)
        while let element = elements.next(bytes) {
            for i in element where !HTTPSyntax.isToken(bytes[i]) { throw .invalidTransferEncoding }
            let (start, end) = (element.lowerBound, element.upperBound)
            if HTTPFieldName.equalsIgnoringCase(bytes, start, end, "chunked") {
                chunkedCount += 1
                lastIsChunked = true
                continue
            }
            lastIsChunked = false
            let known =
                HTTPFieldName.equalsIgnoringCase(bytes, start, end, "gzip")
                || HTTPFieldName.equalsIgnoringCase(bytes, start, end, "x-gzip")
                || HTTPFieldName.equalsIgnoringCase(bytes, start, end, "deflate")
                || HTTPFieldName.equalsIgnoringCase(bytes, start, end, "compress")
                || HTTPFieldName.equalsIgnoringCase(bytes, start, end, "x-compress")
            if known { hasOtherKnown = true } else { hasUnknown = true }
        }
    }

    /// Throws unless the codings are exactly `chunked`.
    func validate() throws(HTTPViolation) {
        if chunkedCount > 1 || (chunkedCount == 1 && !lastIsChunked) { throw .chunkedNotFinal }
        if hasUnknown { throw .unknownTransferCoding }
        if !lastIsChunked { throw .chunkedNotFinal }
        if hasOtherKnown { throw .unknownTransferCoding }
    }
}
