// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]
/// The per-event paths (event loop, relay) skip Swift's dynamic exclusivity checks: measured at
/// 12.6 % of the instructions per relayed request; the static checks still apply.
let hotPath: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "stapled",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stapled", targets: ["stapled"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C: system libraries and the one shim target (a prefixed wrapper per macro).
        .systemLibrary(name: "CLibEV", path: "Sources/CLibEV"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl"),
        .target(
            name: "CStapledShims",
            dependencies: ["CLibEV", "COpenSSL"],
            path: "Sources/CStapledShims",
            cSettings: [.define("_GNU_SOURCE")]
        ),

        // Swift modules; dependencies point one way: Daemon → Proxy → TLS/Stapling → EventLoop/C.
        .target(name: "EventLoop", dependencies: ["CLibEV", "CStapledShims"], swiftSettings: hotPath),
        .target(
            name: "TLS",
            dependencies: ["COpenSSL", "CStapledShims", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(name: "Config", swiftSettings: strict),
        .target(
            name: "Stapling",
            dependencies: [
                "TLS", "EventLoop", "COpenSSL", "CStapledShims",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Proxy",
            dependencies: [
                "EventLoop", "TLS", "CStapledShims",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPath
        ),
        .target(
            name: "Daemon",
            dependencies: [
                "Proxy", "TLS", "Stapling", "Config", "EventLoop", "CStapledShims",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "stapled",
            dependencies: ["Daemon", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),

        // Tests: unit suites per module, and integration suites that run the real binary.
        .target(
            name: "TestSupport", dependencies: ["COpenSSL", "CStapledShims"], path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "StaplingTransportTests", dependencies: ["Stapling", "TestSupport"], swiftSettings: strict
        ),
        .testTarget(name: "StaplingTests", dependencies: ["Stapling", "TLS", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ConfigTests", dependencies: ["Config"], swiftSettings: strict),
        .testTarget(
            name: "AdminTests",
            dependencies: [
                "Daemon", "Proxy", "Stapling", "Config", "EventLoop", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict
        ),
        .testTarget(name: "UpstreamTests", dependencies: ["Proxy", "Config", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "UpstreamIntegrationTests", dependencies: ["TestSupport"], swiftSettings: strict),
        .testTarget(name: "HTTPTests", dependencies: ["Proxy", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "HTTPModeTests", dependencies: ["TestSupport"], swiftSettings: strict),
        .testTarget(name: "OperationsTests", dependencies: ["TestSupport"], swiftSettings: strict),
        .testTarget(name: "StaplingIntegrationTests", dependencies: ["TestSupport"], swiftSettings: strict),
        .testTarget(name: "StaplingFaultTests", dependencies: ["TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["TestSupport"],
            swiftSettings: strict
        ),
    ]
)
