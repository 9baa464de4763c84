public import Foundation
public import Postgres

/// One recorded retention run (`retention_runs`, written by ``RetentionRun``): what it kept,
/// deleted, protected and freed. `holdfast retention runs` lists these.
public struct RetentionRunRecord: Sendable, Hashable {
    public var id: Int64
    public var policyName: String
    public var finishedAt: Date
    public var snapshotsKept: Int
    public var deleted: Int
    public var protected: Int
    public var versionsRemoved: Int64
    public var blobsDeleted: Int64
    public var bytesFreed: Int64

    /// The tenant's runs, newest first, at most `limit` (positive).
    public static func list(tenantID: UUID, limit: Int, client: PostgresClient) async throws -> [RetentionRunRecord] {
        try await client.query("""
            SELECT id, policy_name, finished_at, snapshots_kept, jsonb_array_length(deleted) AS deleted,
                   jsonb_array_length(protected) AS protected, versions_removed, blobs_deleted, bytes_freed
            FROM retention_runs WHERE tenant_id = \(tenantID) ORDER BY id DESC LIMIT \(max(1, limit))
            """).rows.map { row in
            RetentionRunRecord(
                id: try row.decode(Int64.self, "id"), policyName: try row.decode(String.self, "policy_name"),
                finishedAt: try row.decode(Date.self, "finished_at"), snapshotsKept: try row.decode(Int.self, "snapshots_kept"),
                deleted: try row.decode(Int.self, "deleted"), protected: try row.decode(Int.self, "protected"),
                versionsRemoved: try row.decode(Int64.self, "versions_removed"), blobsDeleted: try row.decode(Int64.self, "blobs_deleted"),
                bytesFreed: try row.decode(Int64.self, "bytes_freed"))
        }
    }
}
