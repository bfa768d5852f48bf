/// Builds `StaplingSettings` from `stapling { ... }`; unset directives keep their defaults.
struct StaplingBlockBuilder {
    let paths: PathResolver

    static let concurrentFetchLimit = 1...1024

    func build(_ directive: Directive) throws(ConfigError) -> StaplingSettings {
        var settings = StaplingSettings()
        var minimumSetAt: Argument?
        var maximumSetAt: Argument?
        var retryBaseSetAt: Argument?
        var retryMaxSetAt: Argument?
        try DirectiveChecker.forEach(directive.block?.directives ?? [], in: .stapling) {
            (directive) throws(ConfigError) in
            switch directive.name {
            case "cache_dir":
                settings.cacheDir = try directive.path(paths)
            case "refresh_fraction":
                settings.refreshFraction = try directive.argument.parsed(for: directive, NumberSyntax.openUnitFraction)
            case "min_refresh_interval":
                settings.minRefreshInterval = try directive.duration()
                minimumSetAt = directive.argument
            case "max_refresh_interval":
                settings.maxRefreshInterval = try directive.duration()
                maximumSetAt = directive.argument
            case "retry_base":
                settings.retryBase = try directive.duration()
                retryBaseSetAt = directive.argument
            case "retry_max":
                settings.retryMax = try directive.duration()
                retryMaxSetAt = directive.argument
            case "connect_timeout":
                settings.connectTimeout = try directive.duration()
            case "fetch_timeout":
                settings.fetchTimeout = try directive.duration()
            case "max_response_size":
                settings.maxResponseSize = try directive.argument.parsed(for: directive, SizeSyntax.parse)
            case "max_clock_skew":
                settings.maxClockSkew = try directive.duration(allowingZero: true)
            case "max_age_without_next_update":
                settings.maxAgeWithoutNextUpdate = try directive.duration(allowingZero: true)
            case "proxy":
                settings.proxy = try directive.argument.parsed(for: directive, URLSyntax.proxy)
            case "startup_wait":
                settings.startupWait = try directive.duration(allowingZero: true)
            case "max_concurrent_fetches":
                settings.maxConcurrentFetches = try directive.argument.parsed(for: directive) {
                    (text) throws(ValueError) in try NumberSyntax.integer(text, in: Self.concurrentFetchLimit)
                }
            default:
                preconditionFailure("\"\(directive.name)\" is in the stapling schema but has no builder")
            }
        }
        try Self.requireOrdered(
            ("min_refresh_interval", settings.minRefreshInterval, minimumSetAt),
            ("max_refresh_interval", settings.maxRefreshInterval, maximumSetAt), in: directive)
        try Self.requireOrdered(
            ("retry_base", settings.retryBase, retryBaseSetAt), ("retry_max", settings.retryMax, retryMaxSetAt),
            in: directive)
        return settings
    }

    /// A duration directive and its value; `setAt` is nil when the default applies.
    typealias OrderedDuration = (name: String, value: Duration, setAt: Argument?)

    /// Throws unless `lower.value <= upper.value`, blaming the directive that made the pair
    /// inconsistent: the one that was set, or the later of the two.
    static func requireOrdered(
        _ lower: OrderedDuration, _ upper: OrderedDuration, in block: Directive
    ) throws(ConfigError) {
        guard lower.value > upper.value else { return }
        func describe(_ bound: OrderedDuration) -> String {
            DurationSyntax.format(bound.value) + (bound.setAt == nil ? ", the default" : "")
        }
        let blamed = [lower.setAt, upper.setAt].compactMap { $0 }.max { $0.location.precedes($1.location) }
        throw ConfigError(
            "\(lower.name) (\(describe(lower))) is greater than \(upper.name) (\(describe(upper)))",
            at: blamed?.location ?? block.location)
    }
}
