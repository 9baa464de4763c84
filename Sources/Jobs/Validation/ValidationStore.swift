public import Foundation
public import Postgres

/// The `validations` table: evidence of every validation, kept after its snapshot is deleted.
public struct ValidationStore: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) { self.client = client }

    /// Stores a result; a retried job replaces its earlier attempt's row.
    @discardableResult
    public func record(_ result: ValidationResult) async throws -> ValidationResult {
        let checks = try PostgresJSON(encoding: result.checks)
        let row = try await self.client.query("""
            INSERT INTO validations (tenant_id, snapshot_id, job_id, started_at, finished_at, passed, checks, failed_checks, restore_seconds)
            VALUES (\(result.tenantID), \(result.snapshotID), \(result.jobID), \(result.startedAt), \(result.finishedAt), \(result.passed),
                    \(checks)::jsonb, \(result.failedChecks)::text[], \(result.restoreSeconds))
            ON CONFLICT (job_id) DO UPDATE SET snapshot_id = excluded.snapshot_id, started_at = excluded.started_at,
                finished_at = excluded.finished_at, passed = excluded.passed, checks = excluded.checks,
                failed_checks = excluded.failed_checks, restore_seconds = excluded.restore_seconds
            RETURNING id
            """).first!
        var stored = result
        stored.id = try row.decode(Int64.self, "id")
        return stored
    }

    /// A tenant's validations, newest first.
    public func validations(tenantID: UUID, limit: Int = 50) async throws -> [ValidationResult] {
        try await self.client.query("""
            SELECT \(unescaped: Self.columns) FROM validations WHERE tenant_id = \(tenantID) ORDER BY id DESC LIMIT \(limit)
            """).rows.map(Self.decode)
    }

    public func validation(id: Int64) async throws -> ValidationResult? {
        try await self.client.query("SELECT \(unescaped: Self.columns) FROM validations WHERE id = \(id)").first.map(Self.decode)
    }

    static let columns = "id, tenant_id, snapshot_id, job_id, started_at, finished_at, checks::text AS checks, restore_seconds"

    static func decode(_ row: PostgresRow) throws -> ValidationResult {
        ValidationResult(
            id: try row.decode(Int64.self, "id"), tenantID: try row.decode(UUID.self, "tenant_id"),
            snapshotID: try row.decode(Int64.self, "snapshot_id"), jobID: try row.decode(Int64?.self, "job_id"),
            startedAt: try row.decode(Date.self, "started_at"), finishedAt: try row.decode(Date.self, "finished_at"),
            checks: try JSONDecoder().decode([ValidationCheck].self, from: Data(try row.decode(String.self, "checks").utf8)),
            restoreSeconds: try row.decode(Double?.self, "restore_seconds"))
    }
}
