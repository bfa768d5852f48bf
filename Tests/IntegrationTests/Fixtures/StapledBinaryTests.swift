import Testing

/// The parent of every suite that runs the real `stapled` binary. `.serialized` here applies to
/// all nested suites, so no two daemons, transfers or timing checks compete for the CPUs.
@Suite("stapled binary", .serialized)
enum StapledBinaryTests {}
