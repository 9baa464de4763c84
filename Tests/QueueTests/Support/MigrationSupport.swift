import Logging
import Migrations
import Postgres

/// Applies the repository's migrations to a database of the test's own (a throwaway cluster).
struct MigrationSupport {
    let migrations: [Migration]

    static func load() throws -> MigrationSupport {
        MigrationSupport(migrations: try MigrationDirectory.load(from: try MigrationDirectory.locate()))
    }

    func apply(client: PostgresClient, logger: Logger) async throws {
        try await MigrationRunner(client: client, migrations: migrations, logger: logger).migrate()
    }
}
