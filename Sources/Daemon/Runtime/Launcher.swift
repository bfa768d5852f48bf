import Config
import Glibc
import Logging
import Stapling

/// What the command line calls: load, check, run. Returns exit statuses; never exits itself.
public enum Launcher {
    /// `stapled -c FILE`: runs in the foreground until stopped; logs to stderr.
    public static func run(configPath: String, logLevelOverride: String? = nil) -> Int32 {
        let config: StapledConfig
        do {
            config = try ConfigLoader.load(path: configPath)
        } catch {
            printError("stapled: \(error)")
            return 1
        }
        let level = Logger.Level(rawValue: logLevelOverride ?? config.logLevel.rawValue) ?? .info
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: level) }
        let logger = Logger(label: "stapled")
        let registry = StapleSlotRegistry()
        let generation: Generation
        do {
            generation = try Generation.load(config, registry: registry)
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }
        return Daemon(configPath: configPath, generation: generation, registry: registry, logger: logger).run()
    }

    /// `stapled -t -c FILE`: loads everything a start would and reports; 0 when it would start.
    public static func check(configPath: String) -> Int32 {
        let config: StapledConfig
        do {
            config = try ConfigLoader.load(path: configPath)
        } catch {
            printError("stapled: \(error)")
            printError("stapled: configuration file \(configPath) test failed")
            return 1
        }
        let generation: Generation
        do {
            generation = try Generation.load(config, registry: StapleSlotRegistry())
        } catch {
            printError("stapled: \(error)")
            printError("stapled: configuration file \(configPath) test failed")
            return 1
        }
        print(CheckReport(generation: generation).text, terminator: "")
        print("stapled: configuration file \(configPath) test is successful")
        fflush(nil)
        return 0
    }

    static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
    }
}
