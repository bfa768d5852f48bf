/// Builds a `StapledConfig` from the parsed top level of a file: interprets each top-level
/// directive, delegates blocks to their builders, then checks what spans blocks.
struct ConfigBuilder {
    let paths: PathResolver
    /// The file as named by the caller; used for locations of errors about the file as a whole.
    let file: String

    static let workerLimit = 1...1024

    func build(_ directives: [Directive]) throws(ConfigError) -> StapledConfig {
        var config = StapledConfig(file: paths.configFile)
        var upstreamNames: [String: SourceLocation] = [:]
        var frontendNames: [String: SourceLocation] = [:]
        try DirectiveChecker.forEach(directives, in: .main) { (directive) throws(ConfigError) in
            switch directive.name {
            case "workers":
                config.workers = try directive.argument.parsed(for: directive, Self.workers)
            case "log_level":
                config.logLevel = try directive.argument.parsed(for: directive, Self.logLevel)
            case "admin":
                let address = try directive.argument.parsed(for: directive) { (text) throws(ValueError) in
                    try AdminSyntax.parse(text, paths: paths)
                }
                config.admin = Located(address, at: directive.argument.location)
            case "user":
                config.user = try directive.nonEmptyText()
            case "group":
                config.group = try directive.nonEmptyText()
            case "shutdown_timeout":
                config.shutdownTimeout = try directive.duration(allowingZero: true)
            case "stapling":
                config.stapling = try StaplingBlockBuilder(paths: paths).build(directive)
            case "upstream":
                let name = try directive.identifier(describing: "upstream")
                try Self.claim(name, kind: "upstream", directive, in: &upstreamNames)
                config.upstreams.append(try UpstreamBlockBuilder.build(directive, name: name))
            case "frontend":
                let name = try directive.identifier(describing: "frontend")
                try Self.claim(name, kind: "frontend", directive, in: &frontendNames)
                config.frontends.append(try FrontendBlockBuilder(paths: paths).build(directive, name: name))
            default:
                preconditionFailure("\"\(directive.name)\" is in the main schema but has no builder")
            }
        }
        guard !config.frontends.isEmpty else {
            throw ConfigError(
                "no frontend is configured; add a \"frontend NAME { listen ...; upstream ...; certificate ...; }\" block",
                at: SourceLocation(file: file, line: 1, column: 1))
        }
        try CrossBlockChecks.check(config)
        return config
    }

    /// Records the name of an upstream or frontend block, rejecting a second block of that name.
    private static func claim(
        _ name: String, kind: String, _ directive: Directive, in names: inout [String: SourceLocation]
    ) throws(ConfigError) {
        if let first = names[name] {
            throw ConfigError(
                "duplicate \(kind) name \"\(name)\"; first declared at \(first)", at: directive.argument.location)
        }
        names[name] = directive.argument.location
    }

    static func workers(_ text: String) throws(ValueError) -> WorkerCount {
        if text == "auto" { return .auto }
        guard text.allSatisfy(\.isASCIIDigit), !text.isEmpty else {
            throw ValueError("expected auto or a number from \(workerLimit.lowerBound) to \(workerLimit.upperBound)")
        }
        return .count(try NumberSyntax.integer(text, in: workerLimit))
    }

    static func logLevel(_ text: String) throws(ValueError) -> LogLevelName {
        if let level = LogLevelName(rawValue: text) { return level }
        let names = LogLevelName.allCases.map(\.rawValue)
        var reason = "expected one of \(names.joined(separator: ", "))"
        if let suggestion = EditDistance.suggestion(for: text, among: names) {
            reason += "; did you mean \"\(suggestion)\"?"
        }
        throw ValueError(reason)
    }
}
