import Config
import Testing

/// Config texts and helpers shared by the suites. Fixture lines are fixed so that tests can name
/// exact line:column locations of what they insert.
enum ConfigFixtures {
    /// Where test texts pretend to live; relative paths in them resolve against `/etc/stapled`.
    static let file = "/etc/stapled/stapled.conf"

    /// The smallest valid config (8 lines).
    static let minimal = """
        upstream app {
            server 127.0.0.1:8080;
        }
        frontend web {
            listen 127.0.0.1:0;
            upstream app;
            certificate site.pem site.key;
        }

        """

    /// `body` at line 1, followed by the minimal config.
    static func topLevel(_ body: String) -> String { body + "\n" + minimal }

    /// `body` inside `stapling { }`: its first line is line 2; then the minimal config.
    static func inStapling(_ body: String) -> String { "stapling {\n" + body + "\n}\n" + minimal }

    /// `body` inside `upstream other { }` at line 1; its first line is line 2.
    static func inUpstream(_ body: String) -> String { "upstream other {\n" + body + "\n}\n" + minimal }

    /// `body` inside `frontend web { }` after a valid listen, upstream and certificate: its first line is line 8.
    static func inFrontend(_ body: String) -> String {
        """
        upstream app {
            server 127.0.0.1:8080;
        }
        frontend web {
            listen 127.0.0.1:0;
            upstream app;
            certificate site.pem site.key;
        \(body)
        }

        """
    }

    /// `body` inside a `certificate site.pem site.key { }` block: its first line is line 8.
    static func inCertificate(_ body: String) -> String {
        """
        upstream app {
            server 127.0.0.1:8080;
        }
        frontend web {
            listen 127.0.0.1:0;
            upstream app;
            certificate site.pem site.key {
        \(body)
            }
        }

        """
    }

    static func parse(_ text: String, file: String = file) throws(ConfigError) -> StapledConfig {
        try ConfigLoader.parse(text: text, file: file)
    }

    /// The error parsing `text` throws, or nil when it parses.
    static func error(parsing text: String, file: String = file) -> ConfigError? {
        do {
            _ = try ConfigLoader.parse(text: text, file: file)
            return nil
        } catch {
            return error
        }
    }

    static func location(_ line: Int, _ column: Int, file: String = file) -> Config.SourceLocation {
        Config.SourceLocation(file: file, line: line, column: column)
    }
}

/// One row of an error matrix: a config text, where the error must point and what it must say.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var line: Int
    var column: Int
    var message: String

    init(_ name: String, _ text: String, at line: Int, _ column: Int, _ message: String) {
        self.name = name
        self.text = text
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { name }
}
