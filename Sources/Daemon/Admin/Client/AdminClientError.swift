/// Why `stapled status` could not get the daemon's status, in words for the operator.
struct AdminClientError: Error, Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case invalidAddress
        case noAdminAddress
        case unreachable
        case timedOut
        case badResponse
        case httpStatus(Int)
    }

    var kind: Kind
    var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    var description: String { message }
}
