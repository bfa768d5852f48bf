import Foundation
import Synchronization
import TestSupport

/// What every test of this target shares, built once per run: a throwaway PKI (the fault
/// responder signs as its intermediate) and the echo server every frontend relays to.
final class FaultFixture: Sendable {
    let pki: TestPKI
    let upstream: EchoServer

    private static let instance = Mutex<FaultFixture?>(nil)

    /// The shared fixture, built on first use.
    static func shared() throws -> FaultFixture {
        try instance.withLock { instance in
            if let instance { return instance }
            let fixture = try FaultFixture()
            instance = fixture
            return fixture
        }
    }

    private init() throws {
        pki = try TestPKI()
        upstream = try EchoServer()
    }
}
