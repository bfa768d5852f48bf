import Config
import Glibc

/// `stapled status [--admin ADDR] [-c FILE]`: asks the running daemon's admin endpoint for
/// `/status` and prints the status table. Returns the exit status; never exits itself.
public enum StatusQuery {
    public static let defaultConfigPath = "/etc/stapled/stapled.conf"

    /// Prints the table on stdout and returns 0, or a clear message on stderr and 1.
    public static func run(admin: String?, configPath: String, timeout: Duration = .seconds(5)) -> Int32 {
        do {
            let address = try address(admin: admin, configPath: configPath)
            let table = try table(at: address, client: AdminHTTPClient(timeout: timeout))
            print(table.text, terminator: "")
            fflush(nil)
            return 0
        } catch {
            Launcher.printError("stapled status: \(error)")
            return 1
        }
    }

    /// `--admin` when given, else the `admin` directive of the config file.
    static func address(admin: String?, configPath: String) throws(AdminClientError) -> AdminAddress {
        if let admin { return try AdminAddressOption.parse(admin).get() }
        let config: StapledConfig
        do {
            config = try ConfigLoader.load(path: configPath)
        } catch {
            throw AdminClientError(
                .noAdminAddress, "\(error)\n(pass the endpoint with --admin HOST:PORT or --admin /path/to/socket)")
        }
        guard let admin = config.admin else {
            throw AdminClientError(
                .noAdminAddress,
                "\(configPath) has no \"admin\" directive, so the daemon serves no status; add e.g. "
                    + "\"admin 127.0.0.1:9199;\" and reload, or pass --admin")
        }
        return admin.value
    }

    /// GET /status and render it.
    static func table(at address: AdminAddress, client: AdminHTTPClient) throws(AdminClientError) -> StatusTable {
        let response = try client.request("GET", "/status", at: address)
        guard response.status == 200 else {
            let detail = response.text.split(separator: "\n").first.map(String.init) ?? ""
            throw AdminClientError(
                .httpStatus(response.status),
                "the admin endpoint at \(address.text) answered \(response.status): \(detail)")
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: response.body)
        } catch {
            throw AdminClientError(
                .badResponse, "the admin endpoint at \(address.text) sent a status that is not JSON: \(error)")
        }
        return try StatusTable(document: document)
    }
}
