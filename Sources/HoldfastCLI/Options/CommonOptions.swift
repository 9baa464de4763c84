import ArgumentParser
import Foundation
import HoldfastRuntime
import Logging

/// Settings a command takes as flags, by configuration key (`HOLDFAST_…`), for
/// ``CommonOptions``: a flag wins over the environment and the configuration file.
protocol ConfigurationFlags {
    var flagValues: [String: String] { get }
}

extension ConfigurationFlags {
    /// `values` without the flags that were not given.
    static func given(_ values: [ConfigurationKey: String?]) -> [String: String] {
        var given: [String: String] = [:]
        for case let (key, value?) in values { given[key.name] = value }
        return given
    }
}

/// The options every command takes: the configuration file, the database and logging, and the
/// blob store. Every other setting comes from the environment or the file (docs/configuration.md;
/// `holdfast config check` shows the effective values).
struct CommonOptions: ParsableArguments, ConfigurationFlags {
    @Option(name: .customLong("config"), help: ArgumentHelp("A configuration file of KEY=value lines (default: $HOLDFAST_CONFIG_FILE).",
                                                             discussion: "Flags and environment variables win over it."))
    var configFile: String?

    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("PostgreSQL connection URL or libpq connection string.",
                               discussion: "Default: $HOLDFAST_DATABASE_URL, else libpq's PG* environment variables."))
    var databaseURL: String?

    @Option(name: .customLong("database-pool-size"), help: "Most PostgreSQL connections this process opens (default: $HOLDFAST_DATABASE_POOL_SIZE or 10).")
    var poolSize: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default: $HOLDFAST_LOG_LEVEL or info).")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "json (one object per line) or text (default: $HOLDFAST_LOG_FORMAT or text).")
    var logFormat: String?

    @Option(name: .customLong("blob-dir"),
            help: ArgumentHelp("Keep blobs as files under this directory instead of in PostgreSQL.",
                               discussion: "Default: $HOLDFAST_BLOB_DIR if set, else S3 when HOLDFAST_S3_BUCKET is set, else the vault_blobs table."))
    var blobDirectory: String?

    var flagValues: [String: String] {
        Self.given([.configFile: configFile, .databaseURL: databaseURL, .databasePoolSize: poolSize, .logLevel: logLevel,
                    .logFormat: logFormat, .blobDirectory: blobDirectory])
    }

    /// The configuration from these flags, `others`, the environment and the configuration file,
    /// and the process's logger, which has logged the configuration's warnings.
    func load(label: String, _ others: [any ConfigurationFlags] = []) async throws -> (HoldfastConfiguration, Logger) {
        var flags = flagValues
        for group in others { flags.merge(group.flagValues) { _, new in new } }
        let loaded = try await HoldfastConfiguration.load(flags: flags, environment: ProcessInfo.processInfo.environment)
        let logger = Self.makeLogger(label: label, configuration: loaded.configuration)
        for warning in loaded.warnings { logger.warning("\(warning)") }
        return (loaded.configuration, logger)
    }

    /// Runs `body` with a runtime for one short command; what it built is shut down afterwards.
    func withRuntime<T: Sendable>(label: String, _ others: [any ConfigurationFlags] = [],
                                  _ body: (HoldfastRuntime) async throws -> T) async throws -> T {
        let (configuration, logger) = try await load(label: label, others)
        return try await HoldfastRuntime.withRuntime(configuration, logger: logger, body)
    }

    /// This process's root logger. Logs go to standard error, so command output stays clean.
    static func makeLogger(label: String, configuration: HoldfastConfiguration) -> Logger {
        let format = configuration.logging.format
        var logger = Logger(label: label) { label in
            StructuredLogHandler(label: label, format: format == .json ? .json : .text)
        }
        logger.logLevel = configuration.logging.level
        return logger
    }
}

/// `--actor`: who the audit log names for a change made from the CLI.
struct AuditActorOptions: ParsableArguments, ConfigurationFlags {
    @Option(name: .customLong("actor"), help: ArgumentHelp("Who the audit log records as making the change.",
                                                           discussion: "Default: $HOLDFAST_ACTOR, else cli:$USER."))
    var actor: String?

    var flagValues: [String: String] { Self.given([.actor: actor.flatMap { $0.isEmpty ? nil : $0 }]) }
}

/// Parses a tenant id argument.
func tenantID(_ text: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else { throw ValidationError("TENANT must be a tenant id (UUID), not '\(text)'.") }
    return id
}

/// Flags a command declares itself, by configuration key.
struct CommandFlags: ConfigurationFlags {
    let flagValues: [String: String]

    init(_ values: [ConfigurationKey: String?]) { flagValues = Self.given(values) }
}
