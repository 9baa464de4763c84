import Foundation
import Logging
import Postgres

/// Snapshot ids reserved by backups that write a tenant's first map while they read Graph
/// (`pending_snapshots`, migration 0016; docs/backup.md, "Commit protocol"). Version rows under a
/// pending id are invisible to every reader until the commit inserts the snapshot row.
enum PendingSnapshots {
    /// What ``prepare(tenantID:jobID:attemptID:on:)`` found and did.
    struct Preparation: Sendable {
        /// The id this attempt writes its version rows under; nil when it stages instead (the
        /// tenant has a current map, or the job already committed its snapshot).
        var reservedID: Int64?
        /// Pending snapshots of earlier attempts or abandoned jobs, discarded.
        var discarded: Int
        var versionsDiscarded: Int
    }

    /// Discards every pending snapshot of the tenant (one running job per tenant, invariant 1:
    /// any other reservation belongs to an attempt that lost its claim or a job that ended), then
    /// reserves an id for this attempt of `jobID` if the tenant has no current map, in the
    /// caller's transaction.
    static func prepare(tenantID: UUID, jobID: Int64, attemptID: UUID, on connection: PostgresConnection) async throws -> Preparation {
        let (discarded, versions) = try await Self.discardAll(tenantID: tenantID, on: connection)
        var preparation = Preparation(reservedID: nil, discarded: discarded, versionsDiscarded: versions)
        let committed = try await connection.query("SELECT 1 FROM snapshots WHERE job_id = \(jobID)").first != nil
        let hasMap = try await connection.query("""
            SELECT 1 FROM object_versions WHERE tenant_id = \(tenantID) AND valid_to IS NULL LIMIT 1
            """).first != nil
        if !committed && !hasMap {
            // From the snapshots sequence: the id orders after every snapshot of the tenant,
            // as a snapshot committed now would.
            preparation.reservedID = try await connection.query("""
                INSERT INTO pending_snapshots (id, tenant_id, job_id, attempt_id)
                VALUES (nextval(pg_get_serial_sequence('snapshots', 'id')), \(tenantID), \(jobID), \(attemptID))
                RETURNING id
                """).first!.decode(Int64.self, "id")
        }
        return preparation
    }

    /// Deletes every pending snapshot of the tenant and the version rows written under them.
    static func discardAll(tenantID: UUID, on connection: PostgresConnection) async throws -> (snapshots: Int, versions: Int) {
        let ids = try await connection.query("""
            SELECT id FROM pending_snapshots WHERE tenant_id = \(tenantID) ORDER BY id FOR UPDATE
            """).map { try $0.decode(Int64.self, "id") }
        return try await Self.discard(ids, tenantID: tenantID, on: connection)
    }

    /// Deletes the tenant's pending snapshots whose attempt `ledger` says ended (the job finished,
    /// or a later attempt took it over; an attempt that may still run keeps its reservation, and a
    /// later backup's begin discards those of a pruned job).
    static func discardEnded(tenantID: UUID, ledger: any SnapshotAttemptLedger, on connection: PostgresConnection) async throws -> (snapshots: Int, versions: Int) {
        var reservations: [SnapshotAttempt: [Int64]] = [:]
        for row in try await connection.query("""
            SELECT id, job_id, attempt_id FROM pending_snapshots WHERE tenant_id = \(tenantID) ORDER BY id FOR UPDATE
            """) {
            let attempt = SnapshotAttempt(jobID: try row.decode(Int64.self, "job_id"), attemptID: try row.decode(UUID?.self, "attempt_id"))
            reservations[attempt, default: []].append(try row.decode(Int64.self, "id"))
        }
        guard !reservations.isEmpty else { return (0, 0) }
        let ended = try await ledger.ended(Array(reservations.keys), on: connection)
        return try await Self.discard(ended.flatMap { reservations[$0] ?? [] }.sorted(), tenantID: tenantID, on: connection)
    }

    /// Deletes the reservations `ids` (locked by the caller) and their version rows.
    ///
    /// The reservations are locked first: a writer still inserting under one holds it (the
    /// insert trigger's `FOR KEY SHARE`), so this waits for its statement, then sees its rows; any
    /// later insert under the id finds it gone and fails.
    private static func discard(_ ids: [Int64], tenantID: UUID, on connection: PostgresConnection) async throws -> (snapshots: Int, versions: Int) {
        guard !ids.isEmpty else { return (0, 0) }
        let versions = try await connection.query("""
            DELETE FROM object_versions WHERE tenant_id = \(tenantID) AND valid_from = ANY (\(ids)::int8[])
            """).affectedRows
        try await connection.query("DELETE FROM pending_snapshots WHERE id = ANY (\(ids)::int8[])")
        return (ids.count, versions)
    }

    /// Whether `error` is the insert trigger refusing an id that is no longer pending: a later
    /// attempt discarded this one's snapshot.
    static func isDiscarded(_ error: any Error) -> Bool {
        (error as? PostgresError)?.sqlState == "23503"
    }
}
