/// A connection kind a worker keeps in a `ConnectionList`: it carries its own links.
protocol ListedConnection: AnyObject {
    var next: Self? { get set }
    var previous: Self? { get set }
}

/// The open connections of one kind on one worker: an intrusive doubly linked list, so adding
/// and removing one is O(1) and allocates nothing. The list holds the only strong reference.
struct ConnectionList<Connection: ListedConnection> {
    private(set) var head: Connection?

    var isEmpty: Bool { head == nil }

    mutating func insert(_ connection: Connection) {
        connection.next = head
        head?.previous = connection
        head = connection
    }

    mutating func remove(_ connection: Connection) {
        if let previous = connection.previous { previous.next = connection.next } else { head = connection.next }
        connection.next?.previous = connection.previous
        connection.next = nil
        connection.previous = nil
    }
}
