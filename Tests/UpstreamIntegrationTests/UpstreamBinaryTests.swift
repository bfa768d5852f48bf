import Testing

/// The parent of every suite here: each runs the real `stapled` binary in `mode tcp` against real
/// backends. `.serialized` applies to the nested suites, so no two daemons compete for the CPUs.
@Suite("upstream pools through the binary", .serialized)
enum UpstreamBinaryTests {}
