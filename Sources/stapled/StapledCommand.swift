import ArgumentParser
import Daemon

/// The command line: a thin front over `Daemon.Launcher`.
@main
struct StapledCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stapled",
        abstract: "A TLS-terminating reverse proxy whose OCSP stapling never silently fails.",
        version: "stapled \(Daemon.version)",
        subcommands: [StatusCommand.self]
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "/etc/stapled/stapled.conf"

    @Flag(name: .short, help: "Check the configuration (load every certificate and key), report, and exit.")
    var test = false

    @Option(
        name: .long, help: "Override the config's log_level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String?

    func run() throws {
        let status =
            test ? Launcher.check(configPath: config) : Launcher.run(configPath: config, logLevelOverride: logLevel)
        if status != 0 { throw ExitCode(status) }
    }
}
