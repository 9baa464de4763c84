import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Migrations
import Postgres

/// `holdfast migrate`: apply pending migrations, or show where the database stands.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (safe to run from several processes at once).",
        discussion: "Each migration runs in its own transaction and is recorded with a checksum; a migration file changed after it was applied stops the run."
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("migrations-dir"), help: "Directory of NNNN_name.sql files (default: $HOLDFAST_MIGRATIONS_DIR, the installed share/holdfast/migrations, or the checkout's migrations/).")
    var migrationsDirectory: String?

    @Flag(name: .customLong("status"), help: "Only show applied and pending migrations.")
    var statusOnly = false

    func run() async throws {
        try await common.withRuntime(label: "holdfast.migrate", [CommandFlags([.migrationsDirectory: migrationsDirectory])]) { runtime in
            let client = runtime.postgres, logger = runtime.logger
            let migrations = try runtime.migrations()
            let runner = MigrationRunner(client: client, migrations: migrations, logger: logger)
            if !statusOnly {
                let applied = try await runner.migrate()
                if applied.isEmpty {
                    print("Database is up to date.")
                } else {
                    print("Applied \(applied.count) migration(s): \(applied.map(String.init).joined(separator: ", ")).")
                }
            }
            let status = try await runner.status()
            for migration in status.pending {
                print("pending: \(migration.fileName)")
            }
            print("Schema version: \(status.currentVersion) (latest known: \(status.latestVersion))")
        }
    }
}
