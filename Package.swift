// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "holdfast",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "holdfast", targets: ["holdfast"]),
        .executable(name: "graph-sim", targets: ["graph-sim"]),
        .library(name: "GraphSim", targets: ["GraphSim"]),
        .executable(name: "holdfast-bench", targets: ["holdfast-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // MARK: C libraries (module maps only)
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),

        // MARK: Foundation modules
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", "Threads",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTP",
            dependencies: [
                "CCurl", "Threads",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Cryptography",
            dependencies: ["COpenSSL"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JSON",
            swiftSettings: swiftSettings
        ),
        // The one thread mechanism for blocking C calls (NIOThreadPool), below everything that makes them.
        .target(
            name: "Threads",
            dependencies: [.product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Audit",
            dependencies: ["Postgres"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Migrations",
            dependencies: [
                "Postgres", "Cryptography",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Queue and services
        .target(
            name: "Queue",
            dependencies: [
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Worker",
            dependencies: [
                "Queue", "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Coordinator",
            dependencies: [
                "Queue", "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: graph-sim (Microsoft Graph and Entra token endpoint simulator)
        .target(
            name: "GraphSim",
            dependencies: [
                "Cryptography", "JSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GraphSimTesting",
            dependencies: [
                "GraphSim",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "graph-sim",
            dependencies: [
                "GraphSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "graph-sim-bench",
            dependencies: [
                "GraphSim", "GraphSimTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tenants, credentials and the Graph client
        .target(
            name: "Tenancy",
            dependencies: [
                "Postgres", "Cryptography", "Graph", "JSON", "Queue", "Audit", "Vault",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Graph",
            dependencies: [
                "HTTP", "Cryptography", "JSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Backups
        .target(
            name: "Vault",
            dependencies: [
                "CZstd", "Postgres", "Cryptography", "JSON", "Audit", "HTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "Restore",
            dependencies: [
                "Vault", "Graph", "JSON", "Queue", "Tenancy", "Audit", "Postgres", "Cryptography",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "Jobs",
            dependencies: [
                "Vault", "Graph", "JSON", "Queue", "Tenancy", "Postgres", "Restore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: HTTP API
        .target(
            name: "API",
            dependencies: [
                "Postgres", "Migrations", "Queue", "Tenancy", "Audit", "Vault", "Cryptography", "Compliance", "Graph", "Restore", "Jobs",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The API serves TLS itself when given a certificate (swift-nio-ssl underneath).
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Operator console (server-rendered HTML on the API listener, docs/console.md)
        .target(
            name: "Console",
            dependencies: [
                "API", "Postgres", "Queue", "Tenancy", "Audit", "Cryptography", "Compliance", "Jobs", "Vault", "Restore", "JSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [
                .embedInCode("Resources/console.css"),
                .embedInCode("Resources/favicon.svg"),
                .embedInCode("Resources/layout.mustache"),
                .embedInCode("Resources/snapshots.mustache"),
                .embedInCode("Resources/snapshot.mustache"),
                .embedInCode("Resources/objects.mustache"),
                .embedInCode("Resources/object.mustache"),
                .embedInCode("Resources/diff.mustache"),
                .embedInCode("Resources/attribute-rows.mustache"),
                .embedInCode("Resources/hold-form.mustache"),
                .embedInCode("Resources/message.mustache"),
                .embedInCode("Resources/sign-in.mustache"),
                .embedInCode("Resources/totp.mustache"),
                .embedInCode("Resources/enrol.mustache"),
                .embedInCode("Resources/overview.mustache"),
                .embedInCode("Resources/tenants.mustache"),
                .embedInCode("Resources/tenant.mustache"),
                .embedInCode("Resources/jobs.mustache"),
                .embedInCode("Resources/job.mustache"),
                .embedInCode("Resources/job-rows.mustache"),
                .embedInCode("Resources/workers.mustache"),
                .embedInCode("Resources/audit.mustache"),
                .embedInCode("Resources/policies.mustache"),
                .embedInCode("Resources/policy.mustache"),
                .embedInCode("Resources/policy-new.mustache"),
                .embedInCode("Resources/policy-form.mustache"),
                .embedInCode("Resources/sla.mustache"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: SLA, webhooks and compliance reports
        .target(
            name: "Compliance",
            dependencies: [
                "Postgres", "Queue", "Cryptography", "HTTP", "Tenancy",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.embedInCode("Resources/report.mustache")],
            swiftSettings: swiftSettings
        ),

        // MARK: Composition root: the configuration and each long-lived component, built once
        .target(
            name: "HoldfastRuntime",
            dependencies: [
                "Postgres", "Migrations", "Queue", "Worker", "Coordinator", "Tenancy", "Cryptography", "Vault", "Jobs", "Graph", "HTTP", "API",
                "Compliance", "Restore", "Console",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables
        .target(
            name: "HoldfastCLI",
            dependencies: [
                "HoldfastRuntime",
                "Postgres", "Migrations", "Queue", "Worker", "Coordinator", "Tenancy", "Cryptography", "Vault", "Jobs", "Graph", "HTTP", "API",
                "Compliance", "Restore", "Console",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "holdfast",
            dependencies: ["HoldfastCLI"],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "holdfast-bench",
            dependencies: [
                "Queue", "Worker", "Postgres", "Migrations", "Tenancy", "Cryptography", "Compliance", "HoldfastRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "restore-bench",
            dependencies: [
                "Restore", "Jobs", "Vault", "Graph", "GraphSim", "Tenancy", "Cryptography", "HTTP", "HoldfastTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Test support
        .target(name: "CProcessSpawn"),
        .target(
            name: "HoldfastTesting",
            dependencies: [
                "Postgres", "Migrations", "Queue", "CProcessSpawn", "Threads",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FleetTesting",
            dependencies: [
                "API", "Cryptography", "Graph", "GraphSim", "GraphSimTesting", "HTTP", "HoldfastTesting", "Postgres", "Queue", "Tenancy", "Vault",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "HoldfastTesting"]
        ),
        .testTarget(
            name: "HTTPTests",
            dependencies: [
                "HTTP", "HoldfastTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CryptographyTests",
            dependencies: ["Cryptography", "HoldfastTesting"]
        ),
        .testTarget(
            name: "ArchitectureTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JSONTests",
            dependencies: ["JSON"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GraphSimTests",
            dependencies: [
                "GraphSim", "GraphSimTesting", "Cryptography",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TenancyTests",
            dependencies: [
                "Tenancy", "Audit", "Graph", "Cryptography", "Postgres", "HoldfastTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GraphTests",
            dependencies: [
                "Graph", "Tenancy", "GraphSim", "GraphSimTesting", "Cryptography", "HTTP", "HoldfastTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MigrationsTests",
            dependencies: ["Migrations", "Postgres", "HoldfastTesting"]
        ),
        .testTarget(
            name: "QueueTests",
            dependencies: [
                "Queue", "Worker", "Coordinator", "Tenancy", "Postgres", "Migrations", "HoldfastTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "VaultTests",
            dependencies: [
                "Vault", "Postgres", "Cryptography", "Tenancy", "Queue", "Jobs", "HoldfastTesting", "HTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "Postgres", "Migrations", "Queue", "Tenancy", "Vault", "Cryptography", "HoldfastTesting", "FleetTesting", "GraphSimTesting",
                "Compliance", "Graph", "GraphSim", "HTTP", "Jobs", "Restore", "HoldfastCLI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RestoreTests",
            dependencies: [
                "Restore", "Jobs", "Vault", "Graph", "GraphSim", "GraphSimTesting", "Queue", "Tenancy", "Cryptography", "HTTP",
                "Postgres", "HoldfastTesting", "Worker",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JobsTests",
            dependencies: [
                "Jobs", "Vault", "Graph", "GraphSim", "GraphSimTesting", "Queue", "Worker", "Tenancy", "Cryptography", "HTTP",
                "HoldfastTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ComplianceTests",
            dependencies: [
                "Compliance", "Postgres", "Queue", "Worker", "Coordinator", "Cryptography", "HTTP", "HoldfastTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HoldfastCLITests",
            dependencies: [
                "HoldfastCLI", "HoldfastTesting", "Queue", "Tenancy", "Postgres",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HoldfastRuntimeTests",
            dependencies: [
                "HoldfastRuntime", "API", "Vault", "Tenancy", "Graph", "GraphSim", "GraphSimTesting", "Jobs", "Restore", "Queue", "Cryptography",
                "HTTP", "Postgres", "Migrations", "HoldfastTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OnboardingTests",
            dependencies: [
                "Tenancy", "Audit", "Graph", "GraphSim", "GraphSimTesting", "Jobs", "Vault", "Queue", "Worker", "Cryptography", "HTTP",
                "Postgres", "HoldfastTesting", "Restore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Console", "API", "Queue", "Tenancy", "Audit", "Compliance", "Cryptography", "Postgres", "Migrations", "HoldfastTesting", "FleetTesting", "GraphSimTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
