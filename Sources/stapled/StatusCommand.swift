import ArgumentParser
import Daemon

/// `stapled status [--admin ADDR] [-c FILE]`: the live status table, read from the running
/// daemon's admin endpoint.
///
/// `-c` is the root command's option (one definition, so `stapled -c F status` and
/// `stapled status -c F` both work); it is read through `@ParentCommand`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print every certificate's live staple state, from the running daemon's admin endpoint.",
        discussion: """
            The endpoint is --admin when given, else the "admin" directive of the configuration file \
            (-c FILE, default \(StatusQuery.defaultConfigPath)). Exits 1 when the daemon cannot be reached.
            """
    )

    @ParentCommand var root: StapledCommand

    @Option(
        name: .long,
        help: "The admin endpoint: HOST:PORT, [IPv6]:PORT or a unix socket path (default: the config's admin).")
    var admin: String?

    func run() throws {
        let status = StatusQuery.run(admin: admin, configPath: root.config)
        if status != 0 { throw ExitCode(status) }
    }
}
