import Testing

/// The parent of every suite here: each runs the real `stapled` binary, one at a time.
@Suite("mode http", .serialized)
enum HTTPModeSuite {}
