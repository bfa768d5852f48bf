/// Argument readers shared by the block builders. The `DirectiveChecker` has already checked the
/// argument count, so `argument` exists whenever the spec requires one.
extension Directive {
    /// The first argument.
    var argument: Argument { arguments[0] }

    /// A `DURATION` argument; zero only where `allowingZero` (timeouts of zero make no sense).
    func duration(allowingZero: Bool = false) throws(ConfigError) -> Duration {
        let value = try argument.parsed(for: self, DurationSyntax.parse)
        if !allowingZero && value == .zero {
            throw ConfigError(
                "invalid \"\(name)\" value \"\(argument.value)\": must be greater than 0", at: argument.location)
        }
        return value
    }

    /// A file or directory argument made absolute against the config file's directory.
    func path(_ paths: PathResolver) throws(ConfigError) -> String {
        try argument.path(for: self, paths)
    }

    /// A name that appears in logs and metrics: letters, digits, `-`, `_` and `.`.
    func identifier(describing what: String) throws(ConfigError) -> String {
        try argument.parsed(for: self) { (text) throws(ValueError) in
            let valid =
                !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
            guard valid else { throw ValueError("\(what) names use only letters, digits, '-', '_' and '.'") }
            return text
        }
    }

    /// A non-empty free-form argument (cipher lists, user names).
    func nonEmptyText() throws(ConfigError) -> String {
        try argument.parsed(for: self) { (text) throws(ValueError) in
            guard !text.isEmpty else { throw ValueError("must not be empty") }
            return text
        }
    }
}

extension Argument {
    /// This argument as an absolute path; empty paths are rejected.
    func path(for directive: Directive, _ paths: PathResolver) throws(ConfigError) -> String {
        try parsed(for: directive) { (text) throws(ValueError) in
            guard !text.isEmpty else { throw ValueError("the path is empty") }
            return paths.resolve(text)
        }
    }
}
