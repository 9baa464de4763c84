import Foundation
import Postgres
import Queue

extension SnapshotWriter {
    /// Makes the snapshot visible, whole, in one transaction: checks the job still holds its claim,
    /// inserts the snapshot row, closes the versions of changed, removed and unseen objects, opens
    /// the new versions, records the root hash, and clears the staging. Nothing here waits on Graph.
    ///
    /// If this job already committed a snapshot (an attempt that committed and then lost its
    /// worker), that snapshot is returned and nothing else happens: one job, one snapshot.
    public func commit(_ request: SnapshotCommit) async throws -> SnapshotSummary {
        let tenantID = self.tenantID
        let jobID = self.jobID
        let record = try CommitRecord(request)
        // Before the transaction: extending locks makes requests to the blob store.
        let retainedUntil = try await self.lockSnapshotBlobs()
        let snapshotID = if let pending = self.pendingSnapshotID {
            try await self.commitPending(request, record: record, retainedUntil: retainedUntil, snapshotID: pending)
        } else {
            try await self.commitStaged(request, record: record, retainedUntil: retainedUntil)
        }
        guard let summary = try await SnapshotQueries.snapshot(id: snapshotID, client: self.client) else {
            throw VaultError(.notFound, "snapshot \(snapshotID) vanished after its commit")
        }
        if summary.changedCount >= Self.analyzeAfterChanges {
            // A tenant's first full backup (or a large change) moves the map far from what the
            // planner last sampled; the next backup's commit must not be planned on the old picture.
            do {
                try await self.client.query("ANALYZE object_versions")
            } catch {
                self.logger.warning("object_versions could not be analyzed after a large commit", metadata: [
                    "tenant.id": "\(tenantID)", "snapshot.id": "\(snapshotID)", "error": "\(error)",
                ])
            }
        }
        self.logger.info("snapshot committed", metadata: [
            "tenant.id": "\(tenantID)", "job.id": "\(jobID)", "snapshot.id": "\(snapshotID)", "snapshot.status": "\(summary.status.rawValue)",
            "snapshot.objects": "\(summary.objectCount)", "snapshot.changed": "\(summary.changedCount)",
        ])
        return summary
    }

    /// The parts of the snapshot row both commit paths write the same way.
    struct CommitRecord {
        let encoder: JSONEncoder
        let deltaLinks: String
        let missing: String
        let durationMS: Int64
        let status: SnapshotSummary.Status

        init(_ request: SnapshotCommit) throws {
            self.encoder = JSONEncoder()
            self.encoder.outputFormatting = [.sortedKeys]
            self.deltaLinks = String(decoding: try self.encoder.encode(request.deltaLinks), as: UTF8.self)
            self.missing = String(decoding: try self.encoder.encode(request.missingTypes), as: UTF8.self)
            self.durationMS = Int64(max(0, Date().timeIntervalSince(request.startedAt) * 1000))
            self.status = request.missingTypes.isEmpty ? .complete : .partial
        }
    }

    /// Conditional on the claim (invariant 2): a rescued job's old attempt cannot commit. Then the
    /// tenant row is locked: one commit per tenant at a time, so snapshot ids follow commit order
    /// within a tenant.
    static func lockClaimAndTenant(_ claim: JobClaim?, tenantID: UUID, on connection: PostgresConnection) async throws {
        if let claim {
            let held = try await connection.query("""
                SELECT 1 FROM jobs WHERE id = \(claim.jobID) AND state = 'running'
                  AND worker_id = \(claim.workerID) AND attempt = \(claim.attempt) FOR UPDATE
                """)
            guard !held.isEmpty else {
                throw VaultError(.claimLost, "job \(claim.jobID) attempt \(claim.attempt) no longer holds its claim; the snapshot was not committed")
            }
        }
        guard try await connection.query("SELECT 1 FROM tenants WHERE id = \(tenantID) FOR UPDATE").first != nil else {
            throw VaultError(.notFound, "no tenant has id \(tenantID.uuidString.lowercased())")
        }
    }

    /// Applies the staging to the current map: closes the versions of changed, removed and unseen
    /// objects, opens the new ones, and records the root hash, in one transaction.
    private func commitStaged(_ request: SnapshotCommit, record: CommitRecord, retainedUntil: Date?) async throws -> Int64 {
        let tenantID = self.tenantID
        let jobID = self.jobID
        let keys = self.keys
        let encoder = record.encoder
        let deltaLinks = record.deltaLinks
        let missing = record.missing
        let duration = record.durationMS
        let status = record.status
        return try await self.client.withTransaction { connection in
            try await Self.lockClaimAndTenant(request.claim, tenantID: tenantID, on: connection)
            if let existing = try await connection.query("SELECT id FROM snapshots WHERE job_id = \(jobID)").first {
                return try existing.decode(Int64.self, "id")
            }
            let previous = try await connection.query("""
                SELECT encode(root_hash, 'hex') AS root, data_key_id, object_count FROM snapshots
                WHERE tenant_id = \(tenantID) ORDER BY id DESC LIMIT 1
                """).first

            let snapshotID = try await connection.query("""
                INSERT INTO snapshots (tenant_id, job_id, kind, status, started_at, duration_ms, object_count, changed_count,
                                       new_blobs, bytes_added, root_hash, data_key_id, delta_links, missing_types, retained_until)
                VALUES (\(tenantID), \(jobID), \(request.kind.rawValue), \(status.rawValue), \(request.startedAt), \(duration), 0, 0,
                        \(request.newBlobs), \(request.bytesAdded), \(PostgresBytes(RootHash.zero.bytes)), \(keys.dataKeyID),
                        \(deltaLinks)::jsonb, \(missing)::jsonb, \(retainedUntil))
                RETURNING id
                """).first!.decode(Int64.self, "id")

            // Whether the tenant has a map at all: a first snapshot opens every staged row, and
            // neither the conflict check below nor the rehash of the map is needed.
            let hasMap = try await connection.query("""
                SELECT 1 FROM object_versions WHERE tenant_id = \(tenantID) AND valid_to IS NULL LIMIT 1
                """).first != nil
            // A first snapshot has nothing to close.
            if hasMap { try await connection.query("""
                WITH closing AS (
                    SELECT v.type, v.object_id FROM object_versions v
                    JOIN snapshot_staging s ON s.job_id = \(jobID) AND s.type = v.type AND s.object_id = v.object_id
                    WHERE v.tenant_id = \(tenantID) AND v.valid_to IS NULL AND (s.op = 'remove' OR s.blob_id <> v.blob_id)
                    UNION ALL
                    SELECT v.type, v.object_id FROM object_versions v
                    WHERE v.tenant_id = \(tenantID) AND v.valid_to IS NULL AND v.type = ANY (\(request.fullyReadTypes)::text[])
                      AND NOT EXISTS (SELECT 1 FROM snapshot_staging s
                                      WHERE s.job_id = \(jobID) AND s.type = v.type AND s.object_id = v.object_id)
                )
                UPDATE object_versions v SET valid_to = \(snapshotID)
                FROM closing c
                WHERE v.tenant_id = \(tenantID) AND v.type = c.type AND v.object_id = c.object_id AND v.valid_to IS NULL
                """) }
            if hasMap {
                // Objects still current after the closing are unchanged: the current-version index
                // skips them. (A NOT EXISTS here was planned as a scan per staged row while the
                // table's statistics still described it before a first full backup: minutes.)
                try await connection.query("""
                    INSERT INTO object_versions (tenant_id, type, object_id, valid_from, blob_id)
                    SELECT \(tenantID), s.type, s.object_id, \(snapshotID), s.blob_id FROM snapshot_staging s
                    WHERE s.job_id = \(jobID) AND s.op = 'put'
                    ORDER BY s.type, s.object_id
                    ON CONFLICT (tenant_id, type, object_id) WHERE valid_to IS NULL DO NOTHING
                    """)
            } else {
                try await connection.query("""
                    INSERT INTO object_versions (tenant_id, type, object_id, valid_from, blob_id)
                    SELECT \(tenantID), s.type, s.object_id, \(snapshotID), s.blob_id FROM snapshot_staging s
                    WHERE s.job_id = \(jobID) AND s.op = 'put'
                    ORDER BY s.type, s.object_id
                    """)
            }

            // The root hash: the predecessor's plus what opened, minus what closed, read through a
            // cursor so that a million-object first snapshot is never in memory at once.
            var opened: Int64 = 0
            var closed: Int64 = 0
            var typeCounts: [String: [String: Int]] = [:]
            let incremental = try previous.map { try $0.decode(String.self, "data_key_id") == keys.dataKeyID } ?? false
            var root = RootHash.zero
            if incremental, let previousRoot = BlobID(hex: try previous!.decode(String.self, "root")) {
                root = RootHash(bytes: previousRoot.bytes)
            }
            let hasher = RootHash.ElementHasher(keys: keys)
            try await Self.forEachRow(of: """
                SELECT type, object_id, blob_id, valid_from = \(snapshotID) AS opened FROM object_versions
                WHERE tenant_id = \(tenantID) AND (valid_from = \(snapshotID) OR valid_to = \(snapshotID))
                """, on: connection) { row in
                let type = try row.decode(String.self, "type")
                let objectID = try row.decode(String.self, "object_id")
                let blobID = BlobID(bytes: try row.decode(PostgresBytes.self, "blob_id").bytes)
                if try row.decode(Bool.self, "opened") {
                    opened += 1
                    typeCounts[type, default: [:]]["opened", default: 0] += 1
                    if incremental || !hasMap { root.add(type: type, objectID: objectID, blobID: blobID, hasher: hasher) }
                } else {
                    closed += 1
                    typeCounts[type, default: [:]]["closed", default: 0] += 1
                    if incremental { root.subtract(type: type, objectID: objectID, blobID: blobID, hasher: hasher) }
                }
            }
            var objectCount: Int64
            if incremental {
                objectCount = try previous!.decode(Int64.self, "object_count") + opened - closed
            } else if !hasMap {
                objectCount = opened
            } else {
                // The tenant's data key changed: hash the whole current map under the new one.
                (root, objectCount) = try await SnapshotQueries.rootHash(tenantID: tenantID, at: snapshotID, keys: keys,
                                                                        connection: connection)
            }
            let typeCountsJSON = String(decoding: try encoder.encode(typeCounts), as: UTF8.self)
            try await connection.query("""
                UPDATE snapshots SET root_hash = \(PostgresBytes(root.bytes)), object_count = \(objectCount),
                       changed_count = \(opened + closed), type_counts = \(typeCountsJSON)::jsonb
                WHERE id = \(snapshotID)
                """)
            try await connection.query("DELETE FROM snapshot_staging WHERE job_id = \(jobID)")
            return snapshotID
        }
    }

    /// Versions opened and closed by one commit from which the map's statistics are refreshed.
    static let analyzeAfterChanges: Int64 = 10_000

    /// Runs `query` as a cursor of the caller's transaction and hands each row to `body`,
    /// `batch` rows in memory at a time.
    static func forEachRow(of query: PostgresQuery, batch: Int = 10_000, on connection: PostgresConnection,
                           _ body: (PostgresRow) throws -> Void) async throws {
        var declare = query
        declare.sql = "DECLARE hf_commit_rows NO SCROLL CURSOR FOR " + query.sql
        try await connection.query(declare)
        while true {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "FETCH FORWARD \(batch) FROM hf_commit_rows"))
            for row in rows { try body(row) }
            if rows.count < batch { break }
        }
        try await connection.query("CLOSE hf_commit_rows")
    }

    static func blobID(_ row: PostgresRow) throws -> BlobID {
        guard let id = BlobID(hex: try row.decode(String.self, "blob")) else {
            throw VaultError(.storage, "object_versions holds a malformed blob id")
        }
        return id
    }
}
