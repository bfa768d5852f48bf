/// A connected byte stream with deadlines: a plain TCP socket or TLS over one.
protocol TransportStream: AnyObject {
    /// Writes all of `bytes`, or throws (`timeout(phase)` once `deadline` passes).
    func write(_ bytes: [UInt8], deadline: TransportDeadline, phase: OCSPTransportError.Phase)
        throws(OCSPTransportError.Reason)

    /// Reads at least one byte into `buffer` and returns the count; 0 means the peer closed the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: TransportDeadline, phase: OCSPTransportError.Phase)
        throws(OCSPTransportError.Reason) -> Int
}
