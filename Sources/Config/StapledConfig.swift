/// The typed, validated configuration of one daemon generation.
///
/// Produced by `ConfigLoader`; every value here has already passed validation (references resolve,
/// numbers are in range, listen addresses parse). File paths are absolute: relative paths in the
/// config file are resolved against the directory of the file that names them.
public struct StapledConfig: Sendable, Equatable {
    /// The config file this was read from, as an absolute path (so a reload finds it after a
    /// change of directory); error locations keep the path as the caller gave it.
    public var file: String
    /// `workers auto|N;` — number of worker threads.
    public var workers: WorkerCount = .auto
    /// `log_level LEVEL;` — trace, debug, info, notice, warning, error, critical.
    public var logLevel: LogLevelName = .info
    /// `admin ADDR;` — the admin endpoint (metrics, status); nil when not configured.
    public var admin: Located<AdminAddress>?
    /// `user NAME;` / `group NAME;` — identity to drop to after binding and reading keys.
    public var user: String?
    public var group: String?
    /// `shutdown_timeout DURATION;` — how long SIGTERM waits for open connections.
    public var shutdownTimeout: Duration = .seconds(30)
    /// `stapling { ... }`
    public var stapling = StaplingSettings()
    /// `upstream NAME { ... }` blocks, in file order.
    public var upstreams: [Upstream] = []
    /// `frontend NAME { ... }` blocks, in file order.
    public var frontends: [Frontend] = []

    public init(file: String) { self.file = file }

    /// The upstream with this name, if declared.
    public func upstream(named name: String) -> Upstream? { upstreams.first { $0.name == name } }
}

/// A value together with where the config file set it, so later stages (loading a certificate,
/// binding a socket) can report errors at `file:line:column`.
public struct Located<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var location: SourceLocation
    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// A position in a config file; `line` and `column` are 1-based, columns count characters.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

public enum WorkerCount: Sendable, Equatable {
    case auto
    case count(Int)
}

public enum LogLevelName: String, Sendable, Equatable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// A listen or connect address: an IPv4 or IPv6 literal (IPv6 in brackets in the file) or, for
/// upstream servers only, a host name resolved at start and reload.
public struct HostPort: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public enum AdminAddress: Sendable, Equatable {
    case tcp(HostPort)
    case unix(path: String)
}

/// `stapling { ... }` — global OCSP stapling settings.
public struct StaplingSettings: Sendable, Equatable {
    /// `cache_dir DIR;`
    public var cacheDir: String = "/var/lib/stapled/ocsp"
    /// `refresh_fraction F;` — refresh at thisUpdate + F × (nextUpdate − thisUpdate).
    public var refreshFraction: Double = 0.5
    /// `min_refresh_interval DURATION;` / `max_refresh_interval DURATION;`
    public var minRefreshInterval: Duration = .seconds(60)
    public var maxRefreshInterval: Duration = .seconds(86_400)
    /// `retry_base DURATION;` — the first backoff delay after a failed fetch; at most `retryMax`.
    public var retryBase: Duration = .seconds(60)
    /// `retry_max DURATION;` — cap of the exponential backoff after failed fetches.
    public var retryMax: Duration = .seconds(3_600)
    /// `connect_timeout DURATION;` / `fetch_timeout DURATION;` for OCSP HTTP fetches.
    public var connectTimeout: Duration = .seconds(5)
    public var fetchTimeout: Duration = .seconds(15)
    /// `max_response_size SIZE;` — OCSP response body cap in bytes.
    public var maxResponseSize: Int = 64 * 1024
    /// `max_clock_skew DURATION;` — tolerated thisUpdate in the future.
    public var maxClockSkew: Duration = .seconds(300)
    /// `max_age_without_next_update DURATION;` — accept responses without nextUpdate this long.
    public var maxAgeWithoutNextUpdate: Duration = .seconds(3_600)
    /// `proxy http://HOST:PORT;` — HTTP proxy for OCSP fetches.
    public var proxy: String?
    /// `startup_wait DURATION;` — how long start/reload waits for first staples.
    public var startupWait: Duration = .seconds(10)
    /// `max_concurrent_fetches N;`
    public var maxConcurrentFetches: Int = 8

    public init() {}
}

public enum FrontendMode: String, Sendable, Equatable {
    case tcp, http
}

public enum TLSProtocolVersion: String, Sendable, Equatable, Comparable {
    case tls12 = "TLSv1.2"
    case tls13 = "TLSv1.3"
    public static func < (a: Self, b: Self) -> Bool { a == .tls12 && b == .tls13 }
}

/// `frontend NAME { ... }`
public struct Frontend: Sendable, Equatable {
    /// Mozilla "intermediate" profile (v5.7): the defaults of `ciphers`, `ciphersuites`, `curves`.
    public static let intermediateCiphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
        + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305"
    public static let intermediateCiphersuites =
        "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    public static let intermediateCurves = "X25519:prime256v1:secp384r1"

    public var name: String
    public var location: SourceLocation
    /// `listen ADDR;` (one or more).
    public var listens: [Located<HostPort>] = []
    /// `mode tcp|http;`
    public var mode: FrontendMode = .tcp
    /// `upstream NAME;` — resolved against the declared upstreams by validation.
    public var upstream: Located<String>
    /// `certificate CHAIN KEY [{ ... }]` (one or more); the first is the default.
    public var certificates: [CertificateSpec] = []
    /// `protocols TLSv1.2 TLSv1.3;`
    public var protocols: [TLSProtocolVersion] = [.tls12, .tls13]
    /// `ciphers LIST;` (TLS 1.2), `ciphersuites LIST;` (TLS 1.3), `curves LIST;`
    public var ciphers: String = Frontend.intermediateCiphers
    public var ciphersuites: String = Frontend.intermediateCiphersuites
    public var curves: String = Frontend.intermediateCurves
    /// `alpn PROTO ...;` — protocols offered, in server preference order; empty: no ALPN.
    public var alpn: [String] = []
    /// `handshake_timeout`, `connect_timeout`, `idle_timeout` (DURATION).
    public var handshakeTimeout: Duration = .seconds(10)
    public var connectTimeout: Duration = .seconds(5)
    public var idleTimeout: Duration = .seconds(60)
    /// `session_ticket_lifetime DURATION;` — ticket key rotation period (keys live twice this).
    public var sessionTicketLifetime: Duration = .seconds(3_600)
    /// `trusted_proxies`, `forwarded`, `max_request_header`, `max_headers`, `upstream_timeout`,
    /// `request_timeout` — `mode http` only.
    public var http = FrontendHTTPSettings()

    public init(name: String, upstream: Located<String>, location: SourceLocation) {
        self.name = name
        self.upstream = upstream
        self.location = location
    }
}

/// `certificate CHAIN KEY;` or `certificate CHAIN KEY { issuer F; stapling on|off; ocsp_url U; staple_file F; }`
public struct CertificateSpec: Sendable, Equatable {
    /// PEM file: the leaf first, then its issuer and further intermediates.
    public var chainPath: String
    /// PEM private key file.
    public var keyPath: String
    /// `issuer FILE;` — the issuer when the chain file does not carry it.
    public var issuerPath: String?
    /// `stapling on|off;` (default on).
    public var stapling: Bool = true
    /// `ocsp_url URL;` — tried before the certificate's AIA OCSP URLs.
    public var ocspURL: String?
    /// `staple_file FILE;` — a static DER OCSP response, verified, never fetched.
    public var stapleFile: String?
    /// Where the `certificate` directive starts.
    public var location: SourceLocation

    public init(chainPath: String, keyPath: String, location: SourceLocation) {
        self.chainPath = chainPath
        self.keyPath = keyPath
        self.location = location
    }
}
