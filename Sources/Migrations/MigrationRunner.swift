public import Logging
public import Postgres

/// Applies pending migrations in order, each in its own transaction, recorded in
/// `schema_migrations` with a SHA-256 of its text.
///
/// A session-level advisory lock (keyed by the current schema) serialises runners, so two
/// processes starting together apply each migration once. A recorded migration whose file has
/// changed stops the run before anything is applied.
public struct MigrationRunner: Sendable {
    public let client: PostgresClient
    public let migrations: [Migration]
    public let logger: Logger

    public init(client: PostgresClient, migrations: [Migration], logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// A migration as recorded in the database.
    public struct AppliedMigration: Sendable, Hashable {
        public var version: Int
        public var name: String
        public var checksum: String
    }

    public struct Status: Sendable {
        public var applied: [AppliedMigration]
        public var pending: [Migration]
        /// The highest applied version, 0 for an empty database.
        public var currentVersion: Int { applied.map(\.version).max() ?? 0 }
        /// The highest version this build knows.
        public var latestVersion: Int
    }

    /// What is applied and what is pending, without changing anything.
    public func status() async throws -> Status {
        try await client.withConnection { connection in
            try await ensureTable(connection)
            let applied = try await appliedMigrations(connection)
            try await verify(applied, connection)
            let appliedVersions = Set(applied.map(\.version))
            return Status(applied: applied, pending: migrations.filter { !appliedVersions.contains($0.version) },
                          latestVersion: migrations.last?.version ?? 0)
        }
    }

    /// The versions recorded as applied, with one small read and no DDL (empty before the first
    /// migration): for readiness probes, which must stay cheap. Checksums are not verified here.
    public func appliedVersions() async throws -> Set<Int> {
        do {
            let rows = try await client.query("SELECT version FROM schema_migrations")
            return Set(try rows.map { try $0.decode(Int.self, "version") })
        } catch let error as PostgresError where error.sqlState == SQLState.undefinedTable {
            return []
        }
    }

    /// Applies what is pending and returns the versions applied (empty when up to date).
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await client.withConnection { connection in
            let lockKey = "holdfast.migrations"
            try await connection.query("SELECT pg_advisory_lock(hashtext(current_schema() || '.' || \(lockKey)))")
            do {
                let applied = try await migrateLocked(connection)
                try await connection.query("SELECT pg_advisory_unlock(hashtext(current_schema() || '.' || \(lockKey)))")
                return applied
            } catch {
                if !connection.isBroken {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(current_schema() || '.' || \(lockKey)))")
                }
                throw error
            }
        }
    }

    private func migrateLocked(_ connection: PostgresConnection) async throws -> [Int] {
        try await ensureTable(connection)
        let applied = try await appliedMigrations(connection)
        try await verify(applied, connection)
        let appliedVersions = Set(applied.map(\.version))
        var newlyApplied: [Int] = []
        for migration in migrations where !appliedVersions.contains(migration.version) {
            let started = ContinuousClock.now
            do {
                try await connection.withTransaction { connection in
                    try await connection.executeScript(migration.sql)
                    try await connection.query("""
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex'))
                        """)
                }
            } catch let error as PostgresError {
                throw MigrationError(code: .statementFailed, message: "migration \(migration.fileName) failed and was rolled back", underlying: error)
            }
            logger.info("applied migration", metadata: [
                "migration.version": "\(migration.version)", "migration.name": "\(migration.name)",
                "duration": "\(ContinuousClock.now - started)",
            ])
            newlyApplied.append(migration.version)
        }
        return newlyApplied
    }

    private func ensureTable(_ connection: PostgresConnection) async throws {
        try await connection.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
    }

    private func appliedMigrations(_ connection: PostgresConnection) async throws -> [AppliedMigration] {
        let rows = try await connection.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        return try rows.map { row in
            AppliedMigration(version: try row.decode(Int.self, "version"), name: try row.decode(String.self, "name"),
                             checksum: try row.decode(String.self, "checksum"))
        }
    }

    /// Refuses to go on when a recorded migration's file changed or is missing.
    private func verify(_ applied: [AppliedMigration], _ connection: PostgresConnection) async throws {
        guard !applied.isEmpty else { return }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let checksums = try await fileChecksums(connection)
        for record in applied {
            guard let migration = known[record.version], let checksum = checksums[record.version] else {
                throw MigrationError(code: .unknownAppliedVersion, message: "the database has migration \(record.version) (\(record.name)), which this build of Holdfast does not have; upgrade Holdfast")
            }
            guard checksum == record.checksum else {
                throw MigrationError(code: .checksumMismatch, message: "migration \(migration.fileName) was changed after it was applied (recorded checksum \(record.checksum.prefix(12))…, file now \(checksum.prefix(12))…); restore the original file and add a new migration instead")
            }
        }
    }

    /// SHA-256 (hex) of each file's text, computed by the server exactly as it is when recorded.
    private func fileChecksums(_ connection: PostgresConnection) async throws -> [Int: String] {
        let rows = try await connection.query("""
            SELECT v.version, encode(sha256(convert_to(s.sql, 'UTF8')), 'hex') AS checksum
            FROM unnest(\(migrations.map(\.version))::int[]) WITH ORDINALITY AS v(version, n)
            JOIN unnest(\(migrations.map(\.sql))::text[]) WITH ORDINALITY AS s(sql, n) USING (n)
            """)
        var result: [Int: String] = [:]
        for row in rows { result[try row.decode(Int.self, "version")] = try row.decode(String.self, "checksum") }
        return result
    }
}
