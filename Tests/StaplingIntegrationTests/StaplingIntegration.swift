import Testing

/// Integration tests of OCSP stapling through the real `stapled` binary against real
/// `openssl ocsp` responders. Every suite here runs one test at a time (each starts a PKI, a
/// responder, a backend and a daemon; two shared cores). The long short-lived-response test has
/// its own top-level suite so that it overlaps with these instead of adding minutes to them.
@Suite("Stapling integration", .serialized)
enum StaplingIntegration {}
