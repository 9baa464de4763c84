import Foundation
public import Logging
public import Postgres
import Migrations

/// Gives each test its own migrated schema in the test cluster, so tests run in parallel.
///
/// The cluster comes from `HOLDFAST_TEST_DATABASE_URL`, which `./deploy/dev/test` sets after it
/// starts the private PostgreSQL; running `swift test` without it fails with that advice.
public enum TestDatabase {
    public static var connectionString: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["HOLDFAST_TEST_DATABASE_URL"], !url.isEmpty else {
                throw TestEnvironmentError("HOLDFAST_TEST_DATABASE_URL is not set: run the tests through ./deploy/dev/test, which starts the private PostgreSQL cluster")
            }
            return url
        }
    }

    /// Creates a fresh schema, applies every migration in it (unless `migrated` is false), runs
    /// `body` with a client whose `search_path` is that schema, then drops the schema.
    public static func withIsolatedSchema<T: Sendable>(
        migrated: Bool = true,
        maxConnections: Int = 8,
        logger: Logger = TestLogger.make(),
        _ body: (IsolatedSchema) async throws -> T
    ) async throws -> T {
        let base = try connectionString
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = PostgresClient(configuration: PostgresConfiguration(connectionString: base, maxConnections: 1), logger: logger)
        defer { }
        do {
            try await admin.query("CREATE SCHEMA \(unescaped: String(name))")
        } catch {
            await admin.shutdown()
            throw error
        }
        let configuration = PostgresConfiguration(connectionString: base, maxConnections: maxConnections, searchPath: [String(name), "public"])
        let client = PostgresClient(configuration: configuration, logger: logger)
        let schema = IsolatedSchema(name: String(name), client: client, configuration: configuration)
        let result: Result<T, any Error>
        do {
            if migrated {
                let migrations = try MigrationDirectory.load(from: try MigrationDirectory.locate())
                try await MigrationRunner(client: client, migrations: migrations, logger: logger).migrate()
            }
            result = .success(try await body(schema))
        } catch {
            result = .failure(error)
        }
        await client.shutdown()
        _ = try? await admin.query("DROP SCHEMA \(unescaped: String(name)) CASCADE")
        await admin.shutdown()
        return try result.get()
    }
}

/// A schema private to one test.
public struct IsolatedSchema: Sendable {
    public let name: String
    /// A pooled client whose sessions use this schema.
    public let client: PostgresClient
    /// The configuration behind `client`, for components that open their own clients or listeners.
    public let configuration: PostgresConfiguration

    /// `pg_dump --data-only` of this schema's tables, as an attacker holding a database dump would
    /// read them. Blocks while pg_dump runs (a test helper, like ``ProcessRunner/run``).
    public func dataDump() throws -> String {
        let pgDump = try TestCluster.postgresBinDirectory() + "/pg_dump"
        return try ProcessRunner.run(pgDump, ["--data-only", "--no-owner", "--schema=\(name)", configuration.connectionString])
    }

    /// A libpq connection string that selects this schema, for child processes (`holdfast migrate`).
    public var connectionString: String {
        let base = configuration.connectionString
        let option = "options=-csearch_path%3D\(name)"
        if base.hasPrefix("postgres://") || base.hasPrefix("postgresql://") {
            return base + (base.contains("?") ? "&" : "?") + option
        }
        return base + " options='-csearch_path=\(name)'"
    }
}

public struct TestEnvironmentError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Loggers for tests: quiet unless `HOLDFAST_TEST_LOG_LEVEL` asks for more.
public enum TestLogger {
    public static func make(label: String = "holdfast.test") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["HOLDFAST_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }
}
