import Testing

/// Running stapled in production: systemd notifications, reloads, shutdown, privilege drop, and
/// the systemd unit with its hardening. Every test runs the real binary against real peers on
/// loopback; the suites run one test at a time (each starts daemons, responders and backends on
/// two shared cores), and every wait has a deadline.
@Suite("Operations", .serialized)
enum Operations {}
