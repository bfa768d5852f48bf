import Foundation
import Synchronization

/// The key algorithm of a generated key.
public enum TestKeyType: String, Sendable, CaseIterable, CustomStringConvertible {
    case ecdsaP256
    case rsa2048

    /// `openssl genpkey` arguments for this key type.
    var genpkeyArguments: [String] {
        switch self {
        case .ecdsaP256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        case .rsa2048: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        }
    }

    public var description: String { rawValue }
}

/// A certificate's validity window, as offsets from the moment it is issued.
public struct CertificateValidity: Sendable {
    public var notBefore: Duration
    public var notAfter: Duration

    public init(notBefore: Duration, notAfter: Duration) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Valid from an hour ago for `days` days.
    public static func days(_ days: Int) -> CertificateValidity {
        CertificateValidity(notBefore: .seconds(-3_600), notAfter: .seconds(days * 86_400))
    }

    /// Expired yesterday (valid from 30 days ago until 1 day ago).
    public static let expired = CertificateValidity(notBefore: .seconds(-30 * 86_400), notAfter: .seconds(-86_400))

    /// Valid only from tomorrow (for 30 days).
    public static let notYetValid = CertificateValidity(notBefore: .seconds(86_400), notAfter: .seconds(31 * 86_400))
}

/// A CA certificate and its key.
public struct TestCertificateAuthority: Sendable {
    /// Subject in OpenSSL's one-line form, e.g. `/CN=stapled Test Intermediate`.
    public var subject: String
    public var certificatePath: String
    public var keyPath: String
}

/// A throwaway PKI built with the `openssl` command line in a fresh temp directory:
///
/// - a self-signed root CA and an intermediate CA signed by it (EC P-256 by default);
/// - leaves signed by the intermediate (`makeLeaf`), issued with `openssl ca`, which records each
///   in the intermediate's `index.txt` (the database `openssl ocsp -index` answers from);
/// - OCSP signer certificates (delegated or not, with or without the OCSPSigning EKU) and
///   responses built directly for fault tests.
///
/// Methods are serialized (`openssl ca` rewrites the shared index), safe to call from any thread.
public final class TestPKI: Sendable {
    public let directory: TemporaryDirectory
    public let root: TestCertificateAuthority
    public let intermediate: TestCertificateAuthority
    /// Root then intermediate, in one PEM file.
    public let caBundlePath: String
    /// The intermediate's `openssl ca` database.
    public let indexPath: String
    /// The `openssl ca` configuration used for every leaf.
    let caConfigPath: String
    /// Serializes issuance; counts issued files for unique names.
    let issuance = Mutex(0)

    /// The trust anchor to hand to clients (`curl --cacert`, `s_client -CAfile`): the root alone.
    public var rootCertificatePath: String { root.certificatePath }

    /// Builds the root and intermediate CAs.
    public init(caKeyType: TestKeyType = .ecdsaP256) throws {
        let directory = try TemporaryDirectory(prefix: "pki")
        self.directory = directory
        let openssl = "openssl"

        let rootKey = directory.file("root.key")
        let rootCertificate = directory.file("root.pem")
        try ChildProcess.runChecked([openssl, "genpkey"] + caKeyType.genpkeyArguments + ["-out", rootKey])
        try ChildProcess.runChecked([
            openssl, "req", "-x509", "-new", "-key", rootKey, "-subj", "/CN=stapled Test Root", "-days", "3650",
            "-sha256", "-addext", "basicConstraints=critical,CA:true", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out", rootCertificate,
        ])
        root = TestCertificateAuthority(
            subject: "/CN=stapled Test Root", certificatePath: rootCertificate, keyPath: rootKey)

        let intermediateKey = directory.file("intermediate.key")
        let intermediateRequest = directory.file("intermediate.csr")
        let intermediateCertificate = directory.file("intermediate.pem")
        let intermediateExtensions = try directory.write(
            """
            basicConstraints=critical,CA:true,pathlen:0
            keyUsage=critical,keyCertSign,cRLSign
            subjectKeyIdentifier=hash
            authorityKeyIdentifier=keyid:always

            """, to: "intermediate.ext")
        try ChildProcess.runChecked([openssl, "genpkey"] + caKeyType.genpkeyArguments + ["-out", intermediateKey])
        try ChildProcess.runChecked([
            openssl, "req", "-new", "-key", intermediateKey, "-subj", "/CN=stapled Test Intermediate", "-out",
            intermediateRequest,
        ])
        try ChildProcess.runChecked([
            openssl, "x509", "-req", "-in", intermediateRequest, "-CA", rootCertificate, "-CAkey", rootKey,
            "-set_serial", "0x1001", "-days", "3650", "-sha256", "-extfile", intermediateExtensions, "-out",
            intermediateCertificate,
        ])
        intermediate = TestCertificateAuthority(
            subject: "/CN=stapled Test Intermediate", certificatePath: intermediateCertificate, keyPath: intermediateKey
        )

        caBundlePath = try directory.write(
            try String(contentsOfFile: rootCertificate, encoding: .utf8)
                + String(contentsOfFile: intermediateCertificate, encoding: .utf8), to: "ca-bundle.pem")

        indexPath = try directory.write("", to: "index.txt")
        try directory.write("unique_subject = no\n", to: "index.txt.attr")
        try FileManager.default.createDirectory(atPath: directory.file("issued"), withIntermediateDirectories: true)
        caConfigPath = try directory.write(
            """
            [ ca ]
            default_ca = intermediate
            [ intermediate ]
            database = \(indexPath)
            new_certs_dir = \(directory.file("issued"))
            certificate = \(intermediateCertificate)
            private_key = \(intermediateKey)
            default_md = sha256
            policy = policy_any
            unique_subject = no
            email_in_dn = no
            rand_serial = yes
            [ policy_any ]
            commonName = supplied

            """, to: "ca.cnf")
    }
}
