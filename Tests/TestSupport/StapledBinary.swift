import Foundation

/// Finds the `stapled` executable that integration tests run.
public enum StapledBinary {
    /// The package root (the directory holding Package.swift), found from this file's location.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // TestSupport, Tests, root
        return url.path
    }()

    /// The binary to test, first match of:
    /// 1. `$STAPLED_BIN`;
    /// 2. `stapled` next to the running test bundle (the build directory of this very `swift test`,
    ///    whatever its `--scratch-path`);
    /// 3. `<package root>/.build/debug/stapled`.
    /// Throws `.notFound` naming every place it looked.
    public static func path() throws -> String {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["STAPLED_BIN"], !explicit.isEmpty {
            candidates.append(explicit)
        }
        if let running = CommandLine.arguments.first {
            var url = URL(fileURLWithPath: running).resolvingSymlinksInPath()
            // .build/debug/stapledPackageTests.xctest (a file on Linux) or a macOS-style bundle path.
            while url.pathComponents.count > 1, url.path.contains(".xctest") { url.deleteLastPathComponent() }
            candidates.append(url.appendingPathComponent("stapled").path)
        }
        candidates.append("\(packageRoot)/.build/debug/stapled")
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw TestSupportError(
            .notFound, "StapledBinary.path()",
            "no stapled executable at \(candidates.joined(separator: ", ")); run `swift build` first or set STAPLED_BIN"
        )
    }
}
