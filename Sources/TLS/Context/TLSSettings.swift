/// The TLS policy of one frontend, independent of the config syntax.
public struct TLSSettings: Sendable, Equatable {
    public enum Version: Sendable, Equatable { case tls12, tls13 }

    public var minVersion: Version
    public var maxVersion: Version
    /// OpenSSL cipher list for TLS 1.2.
    public var ciphers: String
    /// OpenSSL ciphersuites for TLS 1.3.
    public var ciphersuites: String
    /// Key-exchange groups.
    public var curves: String
    /// ALPN protocols in server preference order; empty disables ALPN.
    public var alpn: [String]
    /// Ticket keys rotate this often; a key decrypts tickets for two periods.
    public var ticketKeyLifetime: Double

    public init(
        minVersion: Version, maxVersion: Version, ciphers: String, ciphersuites: String, curves: String,
        alpn: [String], ticketKeyLifetime: Double
    ) {
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.ciphers = ciphers
        self.ciphersuites = ciphersuites
        self.curves = curves
        self.alpn = alpn
        self.ticketKeyLifetime = ticketKeyLifetime
    }
}
