import ArgumentParser
import Foundation
import Logging
import Postgres

/// `--database-url`, shared by every command that talks to PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("PostgreSQL connection URL or libpq connection string.",
                               discussion: "Default: $HOLDFAST_DATABASE_URL, else libpq's PG* environment variables."))
    var databaseURL: String?

    @Option(name: .customLong("database-pool-size"), help: "Most PostgreSQL connections this process opens.")
    var poolSize: Int = 10

    func validate() throws {
        guard (1...500).contains(poolSize) else {
            throw ValidationError("--database-pool-size must be between 1 and 500 (got \(poolSize)).")
        }
    }

    var configuration: PostgresConfiguration {
        let url = databaseURL ?? ProcessInfo.processInfo.environment["HOLDFAST_DATABASE_URL"] ?? ""
        return PostgresConfiguration(connectionString: url, maxConnections: poolSize)
    }

    /// Runs `body` with a client that is shut down afterwards, whatever happens.
    func withClient<T: Sendable>(logger: Logger, _ body: (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: configuration, logger: logger)
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
