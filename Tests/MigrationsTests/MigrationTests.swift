import Foundation
import HoldfastTesting
import Migrations
import Postgres
import Testing

@Suite("Migrations")
struct MigrationTests {
    /// A copy of the real migrations plus `extra`, in a temporary directory.
    private func migrationsCopy(extra: [String: String] = [:]) throws -> URL {
        let source = try MigrationDirectory.locate()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("holdfast-migrations-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".sql") {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        for (name, sql) in extra {
            try sql.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test("applying twice is a no-op")
    func idempotent() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let migrations = try MigrationDirectory.load(from: try MigrationDirectory.locate())
            #expect(!migrations.isEmpty)
            let runner = MigrationRunner(client: schema.client, migrations: migrations, logger: TestLogger.make())
            let first = try await runner.migrate()
            #expect(first == migrations.map(\.version))
            let second = try await runner.migrate()
            #expect(second.isEmpty)
            let status = try await runner.status()
            #expect(status.pending.isEmpty)
            #expect(status.currentVersion == migrations.last?.version)
            let installations = try await schema.client.query("SELECT count(*) AS n FROM installation").first?.decode(Int.self, "n")
            #expect(installations == 1)
        }
    }

    @Test("two concurrent `holdfast migrate` processes apply each migration once")
    func concurrentProcesses() async throws {
        let directory = try migrationsCopy(extra: [
            "9001_slow.sql": "SELECT pg_sleep(0.5); CREATE TABLE race_marker (id int PRIMARY KEY); INSERT INTO race_marker VALUES (1);",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let binary = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path
            let arguments = ["migrate", "--database-url", schema.connectionString, "--migrations-dir", directory.path]
            async let first = ProcessRunner.capture(binary, arguments)
            async let second = ProcessRunner.capture(binary, arguments)
            let results = try await [first, second]
            for result in results {
                #expect(result.status == 0, "migrate failed: \(result.standardError)")
            }
            let outputs = results.map(\.standardOutput)
            #expect(outputs.filter { $0.contains("Applied") }.count == 1, "exactly one process applies: \(outputs)")
            #expect(outputs.filter { $0.contains("up to date") }.count == 1)
            let versions = try await schema.client.query("SELECT version FROM schema_migrations ORDER BY version")
                .map { try $0.decode(Int.self, "version") }
            #expect(versions == Array(Set(versions)).sorted())
            #expect(versions.last == 9001)
            let markers = try await schema.client.query("SELECT count(*) AS n FROM race_marker").first?.decode(Int.self, "n")
            #expect(markers == 1)
        }
    }

    @Test("a migration file changed after it was applied is refused with a clear message")
    func changedFile() async throws {
        let directory = try migrationsCopy(extra: ["9002_widgets.sql": "CREATE TABLE widgets (id int);"])
        defer { try? FileManager.default.removeItem(at: directory) }
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let logger = TestLogger.make()
            try await MigrationRunner(client: schema.client, migrations: try MigrationDirectory.load(from: directory), logger: logger).migrate()
            try "CREATE TABLE widgets (id bigint);".write(to: directory.appendingPathComponent("9002_widgets.sql"), atomically: true, encoding: .utf8)
            let changed = MigrationRunner(client: schema.client, migrations: try MigrationDirectory.load(from: directory), logger: logger)
            let error = await #expect(throws: MigrationError.self) { try await changed.migrate() }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.description.contains("9002_widgets.sql") == true)

            // The CLI says the same and exits non-zero.
            let binary = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path
            let result = try await ProcessRunner.capture(binary, ["migrate", "--database-url", schema.connectionString, "--migrations-dir", directory.path])
            #expect(result.status != 0)
            #expect(result.standardError.contains("9002_widgets.sql was changed after it was applied"))
        }
    }

    @Test("a failing migration is rolled back and not recorded")
    func failingMigration() async throws {
        let directory = try migrationsCopy(extra: ["9003_broken.sql": "CREATE TABLE half (id int); SELECT * FROM missing_table;"])
        defer { try? FileManager.default.removeItem(at: directory) }
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let runner = MigrationRunner(client: schema.client, migrations: try MigrationDirectory.load(from: directory), logger: TestLogger.make())
            let error = await #expect(throws: MigrationError.self) { try await runner.migrate() }
            #expect(error?.code == .statementFailed)
            #expect((error?.underlying as? PostgresError)?.sqlState == SQLState.undefinedTable)
            let half = try await schema.client.query("SELECT to_regclass('half') IS NULL AS missing").first?.decode(Bool.self, "missing")
            #expect(half == true)
            let recorded = try await schema.client.query("SELECT count(*) AS n FROM schema_migrations WHERE version = 9003").first?.decode(Int.self, "n")
            #expect(recorded == 0)
        }
    }

    @Test("badly named migration files are rejected")
    func badNames() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("holdfast-bad-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 1;".write(to: directory.appendingPathComponent("create_things.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try MigrationDirectory.load(from: directory) }
    }
}
