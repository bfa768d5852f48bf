/// Builds a `CertificateSpec` from `certificate CHAIN KEY;` or `certificate CHAIN KEY { ... }`.
/// Files are not opened here: the daemon loads them and reports errors at the spec's location.
struct CertificateBlockBuilder {
    let paths: PathResolver

    func build(_ directive: Directive) throws(ConfigError) -> CertificateSpec {
        var spec = CertificateSpec(
            chainPath: try directive.arguments[0].path(for: directive, paths),
            keyPath: try directive.arguments[1].path(for: directive, paths),
            location: directive.location)
        var staplingOff: Directive?
        var ocspURL: Directive?
        var stapleFile: Directive?
        try DirectiveChecker.forEach(directive.block?.directives ?? [], in: .certificate) {
            (directive) throws(ConfigError) in
            switch directive.name {
            case "issuer":
                spec.issuerPath = try directive.path(paths)
            case "stapling":
                spec.stapling = try directive.argument.parsed(for: directive, Self.onOff)
                staplingOff = spec.stapling ? nil : directive
            case "ocsp_url":
                spec.ocspURL = try directive.argument.parsed(for: directive, URLSyntax.ocspURL)
                ocspURL = directive
            case "staple_file":
                spec.stapleFile = try directive.path(paths)
                stapleFile = directive
            default:
                preconditionFailure("\"\(directive.name)\" is in the certificate schema but has no builder")
            }
        }
        for pointless in [ocspURL, stapleFile].compactMap({ $0 }) {
            if let staplingOff {
                throw ConfigError(
                    "\"\(pointless.name)\" has no effect with \"stapling off\" (set at \(staplingOff.location))",
                    at: pointless.location)
            }
        }
        if let ocspURL, let stapleFile {
            let later = ocspURL.location.precedes(stapleFile.location) ? stapleFile : ocspURL
            throw ConfigError(
                "\"ocsp_url\" and \"staple_file\" exclude each other: a staple file is served as is, never fetched",
                at: later.location)
        }
        return spec
    }

    static func onOff(_ text: String) throws(ValueError) -> Bool {
        switch text {
        case "on": return true
        case "off": return false
        default: throw ValueError("expected on or off")
        }
    }
}
