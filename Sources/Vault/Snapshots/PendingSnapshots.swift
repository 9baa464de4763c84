import Foundation
import Logging
import Postgres

/// Snapshot ids reserved by backups that write a tenant's first map while they read Graph
/// (`pending_snapshots`, migration 0016; docs/backup.md, "Commit protocol"). Version rows under a
/// pending id are invisible to every reader until the commit inserts the snapshot row.
enum PendingSnapshots {
    /// What ``prepare(tenantID:jobID:client:)`` found and did.
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
    /// reserves an id for `jobID` if the tenant has no current map, in one transaction.
    static func prepare(tenantID: UUID, jobID: Int64, client: PostgresClient, logger: Logger) async throws -> Preparation {
        try await client.withTransaction(logger: logger) { connection in
            let (discarded, versions) = try await Self.discard(tenantID: tenantID, finishedJobsOnly: false, on: connection)
            var preparation = Preparation(reservedID: nil, discarded: discarded, versionsDiscarded: versions)
            let committed = try await connection.query("SELECT 1 FROM snapshots WHERE job_id = \(jobID)").first != nil
            let hasMap = try await connection.query("""
                SELECT 1 FROM object_versions WHERE tenant_id = \(tenantID) AND valid_to IS NULL LIMIT 1
                """).first != nil
            if !committed && !hasMap {
                // From the snapshots sequence: the id orders after every snapshot of the tenant,
                // as a snapshot committed now would.
                preparation.reservedID = try await connection.query("""
                    INSERT INTO pending_snapshots (id, tenant_id, job_id)
                    VALUES (nextval(pg_get_serial_sequence('snapshots', 'id')), \(tenantID), \(jobID))
                    RETURNING id
                    """).first!.decode(Int64.self, "id")
            }
            return preparation
        }
    }

    /// Deletes pending snapshots of the tenant and the version rows written under them; with
    /// `finishedJobsOnly`, only those whose job has ended (completed, discarded or cancelled; a job
    /// that may still run keeps them, and a later backup's begin discards those of a pruned job).
    ///
    /// The reservations are locked first: a writer still inserting under one holds it (the
    /// insert trigger's `FOR KEY SHARE`), so this waits for its statement, then sees its rows; any
    /// later insert under the id finds it gone and fails.
    static func discard(tenantID: UUID, finishedJobsOnly: Bool, on connection: PostgresConnection) async throws -> (snapshots: Int, versions: Int) {
        let ids = try await connection.query("""
            SELECT p.id FROM pending_snapshots p WHERE p.tenant_id = \(tenantID)
              AND (NOT \(finishedJobsOnly) OR EXISTS (
                  SELECT 1 FROM jobs j WHERE j.id = p.job_id AND j.state IN ('completed', 'discarded', 'cancelled')))
            ORDER BY p.id FOR UPDATE OF p
            """).map { try $0.decode(Int64.self, "id") }
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
