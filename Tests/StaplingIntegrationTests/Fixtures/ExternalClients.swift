import TestSupport

/// `openssl s_client` and `curl` as independent judges of what the daemon staples.
enum ExternalClients {
    /// `openssl s_client -status` against `127.0.0.1:port` with SNI `serverName`; returns stdout
    /// and stderr together (s_client prints the OCSP section to stdout). It does not verify the
    /// staple, it only shows it: `OCSP Response Status: successful (0x0)`, `Cert Status: good`, or
    /// `OCSP response: no response sent`.
    static func sClientStatus(
        port: UInt16, serverName: String = "localhost", caFile: String, version: TLSVersion? = nil,
        signatureAlgorithms: String? = nil
    ) throws -> String {
        var argv = [
            "openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-servername", serverName, "-status", "-CAfile",
            caFile, "-verify_return_error",
        ]
        switch version {
        case .tls12?: argv.append("-tls1_2")
        case .tls13?: argv.append("-tls1_3")
        case nil: break
        }
        if let signatureAlgorithms { argv += ["-sigalgs", signatureAlgorithms] }
        let result = try ChildProcess.run(argv, timeout: .seconds(30))
        return "exit status \(result.status)\n" + result.stdout + result.stderr
    }

    /// `curl --cert-status` for `https://NAME:PORT/` resolved to 127.0.0.1: curl verifies the
    /// chain against `caFile` and the staple (present, signed by the issuer or its delegated
    /// responder, matching the served certificate, not expired, good).
    static func curlCertStatus(
        port: UInt16, serverName: String = "localhost", caFile: String, version: TLSVersion? = nil
    ) throws -> CommandResult {
        var argv = [
            "curl", "--silent", "--show-error", "--cert-status", "--cacert", caFile, "--resolve",
            "\(serverName):\(port):127.0.0.1", "--max-time", "20", "--no-progress-meter",
        ]
        switch version {
        case .tls12?: argv += ["--tlsv1.2", "--tls-max", "1.2"]
        case .tls13?: argv += ["--tlsv1.3", "--tls-max", "1.3"]
        case nil: break
        }
        argv.append("https://\(serverName):\(port)/")
        return try ChildProcess.run(argv, timeout: .seconds(30))
    }
}
