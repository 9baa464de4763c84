import Foundation
import Logging
import Postgres

/// The SQL that reads snapshots and the map.
enum SnapshotQueries {
    static let snapshotColumns = """
        id, tenant_id, job_id, kind, status, started_at, committed_at, duration_ms, object_count, changed_count, new_blobs,
        bytes_added, encode(root_hash, 'hex') AS root, data_key_id, delta_links::text AS delta_links, delta_links_mac, missing_types::text AS missing_types,
        retained_until
        """

    static func snapshot(id: Int64, client: PostgresClient, logger: Logger) async throws -> SnapshotSummary? {
        try await client.query("SELECT \(unescaped: snapshotColumns) FROM snapshots WHERE id = \(id)", logger: logger).first.map(decode)
    }

    static func snapshot(jobID: Int64, client: PostgresClient, logger: Logger) async throws -> SnapshotSummary? {
        try await client.query("SELECT \(unescaped: snapshotColumns) FROM snapshots WHERE job_id = \(jobID)", logger: logger).first.map(decode)
    }

    static func decode(_ row: PostgresRow) throws -> SnapshotSummary {
        let decoder = JSONDecoder()
        guard let root = BlobID(hex: try row.decode(String.self, "root")) else {
            throw VaultError(.storage, "a snapshot row holds a malformed root hash")
        }
        return SnapshotSummary(
            id: try row.decode(Int64.self, "id"), tenantID: try row.decode(UUID.self, "tenant_id"),
            jobID: try row.decode(Int64?.self, "job_id"),
            kind: SnapshotSummary.Kind(rawValue: try row.decode(String.self, "kind")) ?? .full,
            status: SnapshotSummary.Status(rawValue: try row.decode(String.self, "status")) ?? .partial,
            startedAt: try row.decode(Date.self, "started_at"), committedAt: try row.decode(Date.self, "committed_at"),
            durationMilliseconds: try row.decode(Int64.self, "duration_ms"), objectCount: try row.decode(Int64.self, "object_count"),
            changedCount: try row.decode(Int64.self, "changed_count"), newBlobs: try row.decode(Int64.self, "new_blobs"),
            bytesAdded: try row.decode(Int64.self, "bytes_added"), rootHash: RootHash(bytes: root.bytes),
            dataKeyID: try row.decode(String.self, "data_key_id"),
            deltaLinks: try decoder.decode([String: String].self, from: Data(try row.decode(String.self, "delta_links").utf8)),
            missingTypes: try decoder.decode([SnapshotSummary.MissingType].self,
                                             from: Data(try row.decode(String.self, "missing_types").utf8)),
            deltaLinksTag: try row.decode(PostgresBytes?.self, "delta_links_mac")?.bytes,
            retainedUntil: try row.decode(Date?.self, "retained_until"))
    }

    /// The live map at `snapshotID`, hashed with `keys`, and its size. Reads the map once.
    static func rootHash(tenantID: UUID, at snapshotID: Int64, keys: TenantVaultKeys,
                         connection: PostgresConnection) async throws -> (RootHash, Int64) {
        var root = RootHash.zero
        let hasher = RootHash.ElementHasher(keys: keys)
        var count: Int64 = 0
        var after = ("", "")
        while true {
            let rows = try await connection.query("""
                SELECT type, object_id, encode(blob_id, 'hex') AS blob FROM object_versions
                WHERE tenant_id = \(tenantID) AND valid_from <= \(snapshotID) AND (valid_to IS NULL OR valid_to > \(snapshotID))
                  AND (type, object_id) > (\(after.0), \(after.1))
                ORDER BY type, object_id LIMIT 5000
                """)
            for row in rows {
                guard let blob = BlobID(hex: try row.decode(String.self, "blob")) else {
                    throw VaultError(.storage, "object_versions holds a malformed blob id")
                }
                let type = try row.decode(String.self, "type")
                let objectID = try row.decode(String.self, "object_id")
                root.add(type: type, objectID: objectID, blobID: blob, hasher: hasher)
                count += 1
                after = (type, objectID)
            }
            if rows.count < 5000 { return (root, count) }
        }
    }
}
