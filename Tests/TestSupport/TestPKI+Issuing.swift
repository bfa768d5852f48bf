import Foundation

extension TestPKI {
    /// Issues a leaf for `name`, signed by the intermediate and recorded in `index.txt` as valid.
    ///
    /// - Parameters:
    ///   - sans: subject alternative names (IP literals become `IP:`, others `DNS:`); nil: `[name]`.
    ///   - ocspURL: the AIA OCSP URL; nil issues a certificate without one ("stapling not
    ///     applicable"). `extraOCSPURLs` follow it in the AIA extension.
    ///   - mustStaple: adds the TLS Feature extension `status_request` (RFC 7633).
    ///   - validity: `.days(n)`, `.expired`, `.notYetValid` or any window around now.
    /// A responder already running must be told with `OCSPResponderProcess.reloadIndex()`.
    public func makeLeaf(
        name: String, keyType: TestKeyType = .ecdsaP256, sans: [String]? = nil, ocspURL: String? = nil,
        extraOCSPURLs: [String] = [], mustStaple: Bool = false, validity: CertificateValidity = .days(30)
    ) throws -> TestLeaf {
        let names = sans ?? [name]
        let urls = (ocspURL.map { [$0] } ?? []) + extraOCSPURLs
        var extensions = [
            "basicConstraints=critical,CA:false",
            "keyUsage=critical,digitalSignature" + (keyType == .rsa2048 ? ",keyEncipherment" : ""),
            "extendedKeyUsage=serverAuth",
            "subjectKeyIdentifier=hash",
            "authorityKeyIdentifier=keyid:always",
        ]
        if !names.isEmpty {
            let entries = names.map { Self.isIPAddress($0) ? "IP:\($0)" : "DNS:\($0)" }
            extensions.append("subjectAltName=" + entries.joined(separator: ","))
        }
        if !urls.isEmpty {
            extensions.append("authorityInfoAccess=" + urls.map { "OCSP;URI:\($0)" }.joined(separator: ","))
        }
        if mustStaple {
            extensions.append("1.3.6.1.5.5.7.1.24=DER:30:03:02:01:05")
        }
        let issued = try issue(name: name, keyType: keyType, extensions: extensions, validity: validity)
        let chainPath = try directory.write(
            try String(contentsOfFile: issued.certificatePath, encoding: .utf8)
                + String(contentsOfFile: intermediate.certificatePath, encoding: .utf8),
            to: "\(issued.baseName)-chain.pem")
        return TestLeaf(
            name: name, keyType: keyType, certificatePath: issued.certificatePath, keyPath: issued.keyPath,
            chainPath: chainPath, serial: issued.serial, subject: "/CN=\(name)", subjectAlternativeNames: names,
            ocspURLs: urls, mustStaple: mustStaple)
    }

    /// Marks `leaf` revoked (`R`) in `index.txt` with `openssl ca -revoke`. A responder already
    /// running answers `revoked` only after `OCSPResponderProcess.reloadIndex()`.
    public func revoke(_ leaf: TestLeaf, reason: String = "keyCompromise") throws {
        _ = try issuance.withLock { _ in
            try ChildProcess.runChecked([
                "openssl", "ca", "-config", caConfigPath, "-revoke", leaf.certificatePath, "-crl_reason", reason,
            ])
        }
    }

    /// The lines of `index.txt` (tab-separated: status, expiry, revocation, serial, file, subject).
    public var indexLines: [String] {
        ((try? String(contentsOfFile: indexPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    struct IssuedCertificate {
        var baseName: String
        var certificatePath: String
        var keyPath: String
        var serial: String
    }

    /// Generates a key and CSR for `/CN=name` and signs it with `openssl ca` (which sets random
    /// serials and explicit start and end dates, past ones included, and updates the index).
    func issue(name: String, keyType: TestKeyType, extensions: [String], validity: CertificateValidity) throws
        -> IssuedCertificate
    {
        try issuance.withLock { counter in
            counter += 1
            let baseName = "\(Self.fileSafe(name))-\(counter)"
            let keyPath = directory.file("\(baseName).key")
            let requestPath = directory.file("\(baseName).csr")
            let certificatePath = directory.file("\(baseName).pem")
            let extensionsPath = try directory.write(
                "[ extensions ]\n" + extensions.joined(separator: "\n") + "\n", to: "\(baseName).ext")
            try ChildProcess.runChecked(["openssl", "genpkey"] + keyType.genpkeyArguments + ["-out", keyPath])
            try ChildProcess.runChecked([
                "openssl", "req", "-new", "-key", keyPath, "-subj", "/CN=\(name)", "-out", requestPath,
            ])
            let now = Date()
            try ChildProcess.runChecked([
                "openssl", "ca", "-batch", "-config", caConfigPath, "-in", requestPath, "-out", certificatePath,
                "-notext", "-startdate", Self.asn1Time(now + validity.notBefore),
                "-enddate", Self.asn1Time(now + validity.notAfter), "-extfile", extensionsPath,
                "-extensions", "extensions",
            ])
            let serialLine = try ChildProcess.runChecked([
                "openssl", "x509", "-in", certificatePath, "-noout", "-serial",
            ]).stdout
            let serial = serialLine.trimmingCharacters(in: .whitespacesAndNewlines)
                .replacingOccurrences(of: "serial=", with: "")
            return IssuedCertificate(
                baseName: baseName, certificatePath: certificatePath, keyPath: keyPath, serial: serial)
        }
    }

    /// `YYYYMMDDHHMMSSZ` (UTC), the form `openssl ca -startdate/-enddate` takes.
    static func asn1Time(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d%02d%02d%02d%02d%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec)
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    static func fileSafe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
    }
}

extension Date {
    static func + (date: Date, offset: Duration) -> Date {
        let (seconds, attoseconds) = offset.components
        return date.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
