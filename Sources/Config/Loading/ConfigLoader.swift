/// The entry point of the module: reads, parses and validates a config file into a
/// `StapledConfig`, or fails with the first `ConfigError` in file order.
public enum ConfigLoader {
    /// Reads and validates the file; relative paths resolved against the file's directory.
    ///
    /// Locations in errors use `path` as given; `StapledConfig.file` is its absolute form, so a
    /// reload finds the same file after the daemon changes directory.
    public static func load(path: String) throws(ConfigError) -> StapledConfig {
        try parse(text: ConfigFileReader.contents(ofFile: path), file: path)
    }

    /// Parses and validates text as if read from `file` (used by tests; relative paths resolve
    /// against `file`'s directory).
    public static func parse(text: String, file: String) throws(ConfigError) -> StapledConfig {
        let directives = try Parser.parse(text, file: file)
        return try ConfigBuilder(paths: PathResolver(configFile: file), file: file).build(directives)
    }
}
