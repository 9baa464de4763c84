import Foundation
import Postgres

/// A tenant's first map, written straight into `object_versions` under the writer's pending
/// snapshot id while the backup reads Graph (migration 0016; docs/backup.md, "Commit protocol").
extension SnapshotWriter {
    /// Opens versions under the pending id (an object this run already wrote gets its newer blob),
    /// and deletes those of objects removed since; 1,000 rows per statement, in key order.
    func writePending(type: String, rows: [(String, BlobID?)], snapshotID: Int64) async throws {
        let tenantID = self.tenantID
        let puts = rows.compactMap { row in row.1.map { (row.0, $0) } }
        let removals = rows.filter { $0.1 == nil }.map(\.0)
        try await self.fencedByReservation(snapshotID) {
            var start = 0
            while start < puts.count {
                let batch = puts[start..<min(start + 1000, puts.count)]
                start += 1000
                // The shared GC lock, as for staging rows (see BlobGarbageCollector): these rows
                // are what keeps the blobs they name from being collected.
                try await self.insertHoldingGCLock("""
                    WITH gc AS MATERIALIZED (SELECT pg_try_advisory_xact_lock_shared(vault_gc_lock_key(\(tenantID))) AS held),
                    opened AS (
                        INSERT INTO object_versions (tenant_id, type, object_id, valid_from, blob_id)
                        SELECT \(tenantID), \(type), s.object_id, \(snapshotID), decode(s.blob, 'hex')
                        FROM gc, unnest(\(batch.map(\.0))::text[], \(batch.map(\.1.hex))::text[]) AS s (object_id, blob)
                        WHERE gc.held
                        ON CONFLICT (tenant_id, type, object_id) WHERE valid_to IS NULL
                        DO UPDATE SET blob_id = excluded.blob_id WHERE object_versions.valid_from = excluded.valid_from
                    )
                    SELECT held FROM gc
                    """)
            }
            if !removals.isEmpty {
                try await self.client.query("""
                    DELETE FROM object_versions WHERE tenant_id = \(tenantID) AND type = \(type) AND valid_from = \(snapshotID)
                      AND object_id = ANY (\(removals)::text[])
                    """, logger: self.logger)
            }
        }
    }

    /// Deletes the pending versions of `type` whose key segment `keySegment` (1: parent, 2:
    /// target) is one of `ids`.
    func removePending(type: String, keySegment: Int, in ids: [String], snapshotID: Int64) async throws {
        try await self.client.query("""
            DELETE FROM object_versions WHERE tenant_id = \(self.tenantID) AND type = \(type) AND valid_from = \(snapshotID)
              AND split_part(object_id, '/', \(unescaped: String(keySegment))) = ANY (\(ids)::text[])
            """, logger: self.logger)
    }

    /// Turns the pending id into a committed snapshot. The root hash and counts are read from the
    /// pending rows first, outside the commit's transaction: nothing else writes under the id (a
    /// later attempt can only discard it, and then the commit finds its reservation gone). The
    /// transaction then checks the claim, inserts the snapshot row under the id and deletes the
    /// reservation; no version row is copied.
    func commitPending(_ request: SnapshotCommit, record: CommitRecord, retainedUntil: Date?, snapshotID: Int64) async throws -> Int64 {
        let tenantID = self.tenantID
        let jobID = self.jobID
        let keys = self.keys
        let tally = try await self.client.withTransaction(logger: self.logger) { connection in
            try await ChangeTally.read(snapshotID: snapshotID, tenantID: tenantID, from: .zero, keys: keys, on: connection)
        }
        let root = tally.root ?? .zero
        let opened = tally.opened
        let typeCountsJSON = String(decoding: try record.encoder.encode(tally.typeCounts), as: UTF8.self)

        return try await self.client.withTransaction(logger: self.logger) { connection in
            try await Self.lockTenant(tenantID, on: connection)
            if let existing = try await connection.query("SELECT id FROM snapshots WHERE job_id = \(jobID)").first {
                // An earlier attempt committed; what this one wrote is not needed.
                _ = try await PendingSnapshots.discardAll(tenantID: tenantID, on: connection)
                try await self.requireClaimForCommit(on: connection)
                return try existing.decode(Int64.self, "id")
            }
            guard try await connection.query("""
                SELECT 1 FROM pending_snapshots WHERE id = \(snapshotID) AND job_id = \(jobID) AND attempt_id = \(self.attemptID) FOR UPDATE
                """).first != nil else {
                throw VaultError(.claimLost, "pending snapshot \(snapshotID) of job \(jobID) was discarded by a later attempt; the snapshot was not committed")
            }
            // Nothing committed for the tenant since the id was reserved (a later backup's begin
            // would have discarded it); checked, since ids must follow commit order.
            if let later = try await connection.query("""
                SELECT id FROM snapshots WHERE tenant_id = \(tenantID) AND id > \(snapshotID) ORDER BY id LIMIT 1
                """).first {
                throw VaultError(.claimLost, "snapshot \(try later.decode(Int64.self, "id")) of the tenant was committed after pending snapshot \(snapshotID) was reserved; the snapshot was not committed")
            }
            try await connection.query("""
                INSERT INTO snapshots (id, tenant_id, job_id, kind, status, started_at, duration_ms, object_count, changed_count,
                                       new_blobs, bytes_added, root_hash, data_key_id, type_counts, delta_links, delta_links_mac,
                                       missing_types, retained_until)
                OVERRIDING SYSTEM VALUE
                VALUES (\(snapshotID), \(tenantID), \(jobID), \(request.kind.rawValue), \(record.status.rawValue), \(request.startedAt),
                        \(record.durationMS), \(opened), \(opened), \(request.newBlobs), \(request.bytesAdded),
                        \(PostgresBytes(root.bytes)), \(keys.dataKeyID), \(typeCountsJSON)::jsonb, \(record.deltaLinks)::jsonb,
                        \(record.deltaLinksTag), \(record.missing)::jsonb, \(retainedUntil))
                """)
            try await connection.query("DELETE FROM pending_snapshots WHERE id = \(snapshotID)")
            try await self.requireClaimForCommit(on: connection)
            return snapshotID
        }
    }

    /// Runs `body`, reporting the insert trigger's refusal of a discarded pending id as the lost
    /// claim it means (a later attempt of the job, or of the tenant's next job, took over).
    func fencedByReservation(_ snapshotID: Int64, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch where PendingSnapshots.isDiscarded(error) {
            throw VaultError(.claimLost, "pending snapshot \(snapshotID) of job \(self.jobID) was discarded by a later attempt; this attempt stops writing",
                             underlying: error)
        }
    }
}
