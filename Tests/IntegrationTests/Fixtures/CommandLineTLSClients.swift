import TestSupport

/// What a command-line TLS client reported about one connection through the daemon.
struct CommandLineConnection {
    var status: Int32
    /// `TLSv1.2` or `TLSv1.3`, as the client printed it.
    var protocolVersion: String?
    /// The served leaf's serial in uppercase hex (as `TestLeaf.serial`).
    var serial: String?
    /// curl only: the HTTP status code the backend answered with through the relay.
    var httpStatus: Int?
    /// Both output streams, for failure messages.
    var output: String
}

/// Signature algorithms a client offers: restricting them decides whether a frontend holding
/// both an ECDSA and an RSA certificate for a name must serve one or the other.
enum SignatureAlgorithms {
    static func offered(for keyType: TestKeyType) -> String {
        switch keyType {
        case .ecdsaP256: "ECDSA+SHA256:ECDSA+SHA384"
        case .rsa2048: "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:RSA+SHA256:RSA+SHA384"
        }
    }
}

/// `openssl s_client`, run to completion (stdin is /dev/null: it handshakes, prints, and quits).
enum OpenSSLSClient {
    /// - Parameter serverName: the SNI name; nil sends none (`-noservername`).
    static func connect(
        port: UInt16, serverName: String?, version: TLSVersion, signatureAlgorithms: String, caFile: String
    ) throws -> CommandLineConnection {
        var argv = [
            "openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", caFile, "-verify_return_error",
            version == .tls12 ? "-tls1_2" : "-tls1_3", "-sigalgs", signatureAlgorithms,
        ]
        argv += serverName.map { ["-servername", $0] } ?? ["-noservername"]
        let result = try ChildProcess.run(argv, timeout: .seconds(30))
        // "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"
        let negotiated = result.stdout.split(separator: "\n").first { $0.hasPrefix("New, ") }
        let version = negotiated?.split(separator: ",").dropFirst().first?.trimmingCharacters(in: .whitespaces)
        return CommandLineConnection(
            status: result.status, protocolVersion: version, serial: try serial(ofFirstPEMIn: result.stdout),
            output: "--- stdout ---\n\(result.stdout)\n--- stderr ---\n\(result.stderr)")
    }

    /// The serial of the first PEM certificate in `text` (s_client prints the server's leaf).
    private static func serial(ofFirstPEMIn text: String) throws -> String? {
        guard let begin = text.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = text.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<text.endIndex)
        else { return nil }
        let pem = String(text[begin.lowerBound..<end.upperBound]) + "\n"
        let printed = try ChildProcess.runChecked(["openssl", "x509", "-noout", "-serial"], stdin: pem).stdout
        return printed.trimmingCharacters(in: .whitespacesAndNewlines).replacing("serial=", with: "")
    }
}

/// `curl` (Debian's, OpenSSL backend) fetching `/` through the daemon from an HTTP backend.
enum Curl {
    /// `curl` has no option for signature algorithms: an OpenSSL config file given as
    /// `OPENSSL_CONF` sets them as the system default for every TLS context it creates.
    static func get(
        port: UInt16, serverName: String, version: TLSVersion, signatureAlgorithms: String, caFile: String,
        in directory: TemporaryDirectory
    ) throws -> CommandLineConnection {
        let opensslConfig = try directory.write(
            """
            openssl_conf = openssl_init
            [openssl_init]
            ssl_conf = ssl_configuration
            [ssl_configuration]
            system_default = tls_defaults
            [tls_defaults]
            SignatureAlgorithms = \(signatureAlgorithms)

            """, to: "curl-openssl.cnf")
        let versionBounds = version == .tls12 ? ["--tlsv1.2", "--tls-max", "1.2"] : ["--tlsv1.3", "--tls-max", "1.3"]
        let argv =
            [
                "curl", "-sS", "-v", "--max-time", "20", "--cacert", caFile,
                "--resolve", "\(serverName):\(port):127.0.0.1", "https://\(serverName):\(port)/",
                "-o", directory.file("curl-body"), "-w", "HTTP %{http_code}\n%{certs}",
            ] + versionBounds
        let result = try ChildProcess.run(
            argv, environment: ChildProcess.inheritedEnvironment(adding: ["OPENSSL_CONF": opensslConfig]),
            timeout: .seconds(30))
        // "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384"
        let negotiated = result.stderr.split(separator: "\n").first { $0.hasPrefix("* SSL connection using ") }
        let version = negotiated?.split(separator: " ").dropFirst(4).first.map(String.init)
        // %{certs}: the leaf comes first; "Serial Number:64ce55c9…" in lowercase hex.
        let serialLine = result.stdout.split(separator: "\n").first { $0.hasPrefix("Serial Number:") }
        let serial = serialLine.map { $0.dropFirst("Serial Number:".count).uppercased() }
        let httpStatus = result.stdout.split(separator: "\n").first.flatMap { Int($0.dropFirst("HTTP ".count)) }
        return CommandLineConnection(
            status: result.status, protocolVersion: version, serial: serial, httpStatus: httpStatus,
            output: "--- stdout ---\n\(result.stdout)\n--- stderr ---\n\(result.stderr)")
    }
}
