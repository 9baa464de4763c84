import Foundation
import Postgres

extension SnapshotWriter {
    /// Makes the snapshot visible, whole, in one transaction: inserts the snapshot row, closes the versions of changed, removed and unseen objects, opens
    /// the new versions, records the root hash, and clears the staging. Nothing here waits on Graph.
    ///
    /// If this job already committed a snapshot (an attempt that committed and then lost its
    /// worker), that snapshot is returned and nothing else happens: one job, one snapshot.
    public func commit(_ request: SnapshotCommit) async throws -> SnapshotSummary {
        let tenantID = self.tenantID
        let jobID = self.jobID
        let record = try CommitRecord(request, keys: self.keys)
        // Before the transaction: extending locks makes requests to the blob store.
        let retainedUntil = try await self.lockSnapshotBlobs()
        let snapshotID = if let pending = self.pendingSnapshotID {
            try await self.commitPending(request, record: record, retainedUntil: retainedUntil, snapshotID: pending)
        } else {
            try await self.commitStaged(request, record: record, retainedUntil: retainedUntil)
        }
        guard let summary = try await SnapshotQueries.snapshot(id: snapshotID, client: self.client, logger: self.logger) else {
            throw VaultError(.notFound, "snapshot \(snapshotID) vanished after its commit")
        }
        if summary.changedCount >= Self.analyzeAfterChanges {
            // A tenant's first full backup (or a large change) moves the map far from what the
            // planner last sampled; the next backup's commit must not be planned on the old picture.
            do {
                try await self.client.query("ANALYZE object_versions", logger: self.logger)
            } catch {
                self.logger.warning("object_versions could not be analyzed after a large commit", metadata: [
                    "tenant.id": "\(tenantID.uuidString.lowercased())", "snapshot.id": "\(snapshotID)", "error": "\(error)",
                ])
            }
        }
        self.logger.info("snapshot committed", metadata: [
            "tenant.id": "\(tenantID.uuidString.lowercased())", "job.id": "\(jobID)", "snapshot.id": "\(snapshotID)", "snapshot.status": "\(summary.status.rawValue)",
            "snapshot.objects": "\(summary.objectCount)", "snapshot.changed": "\(summary.changedCount)",
        ])
        return summary
    }

    /// The parts of the snapshot row both commit paths write the same way.
    struct CommitRecord {
        let encoder: JSONEncoder
        let deltaLinks: String
        /// Authenticates `deltaLinks` under the tenant's key (read back by `Vault.trustedDeltaLinks`).
        let deltaLinksTag: PostgresBytes
        let missing: String
        let durationMS: Int64
        let status: SnapshotSummary.Status

        init(_ request: SnapshotCommit, keys: TenantVaultKeys) throws {
            self.encoder = JSONEncoder()
            self.encoder.outputFormatting = [.sortedKeys]
            self.deltaLinks = String(decoding: try self.encoder.encode(request.deltaLinks), as: UTF8.self)
            self.deltaLinksTag = PostgresBytes(keys.deltaLinksTag(request.deltaLinks))
            self.missing = String(decoding: try self.encoder.encode(request.missingTypes), as: UTF8.self)
            self.durationMS = Int64(max(0, Date().timeIntervalSince(request.startedAt) * 1000))
            self.status = request.missingTypes.isEmpty ? .complete : .partial
        }
    }

    /// Locks the tenant row: one commit per tenant at a time, so snapshot ids follow commit order
    /// within a tenant.
    static func lockTenant(_ tenantID: UUID, on connection: PostgresConnection) async throws {
        guard try await connection.query("SELECT 1 FROM tenants WHERE id = \(tenantID) FOR UPDATE").first != nil else {
            throw VaultError(.notFound, "no tenant has id \(tenantID.uuidString.lowercased())")
        }
    }

    /// The commit's last step (invariant 2): a rescued job's old attempt cannot commit. Checked
    /// last, so the job's row is locked only until the COMMIT, not while the map is written (its
    /// heartbeats would wait that long); nothing the transaction wrote is visible before then.
    /// The outcome is recorded in the same transaction (``SnapshotClaim/recordOutcome(on:)``).
    func requireClaimForCommit(on connection: PostgresConnection) async throws {
        try await Self.requireClaim(self.claim, on: connection, doing: "commit its snapshot")
        try await self.claim?.recordOutcome(on: connection)
    }

    /// Applies the staging to the current map: closes the versions of changed, removed and unseen
    /// objects, opens the new ones, and records the root hash, in one transaction.
    private func commitStaged(_ request: SnapshotCommit, record: CommitRecord, retainedUntil: Date?) async throws -> Int64 {
        let tenantID = self.tenantID
        let jobID = self.jobID
        let attemptID = self.attemptID
        let keys = self.keys
        let encoder = record.encoder
        let deltaLinks = record.deltaLinks
        let deltaLinksTag = record.deltaLinksTag
        let missing = record.missing
        let duration = record.durationMS
        let status = record.status
        return try await self.client.withTransaction(logger: self.logger) { connection in
            try await Self.lockTenant(tenantID, on: connection)
            if let existing = try await connection.query("SELECT id FROM snapshots WHERE job_id = \(jobID)").first {
                try await self.requireClaimForCommit(on: connection)
                return try existing.decode(Int64.self, "id")
            }
            let previous = try await connection.query("""
                SELECT encode(root_hash, 'hex') AS root, data_key_id, object_count FROM snapshots
                WHERE tenant_id = \(tenantID) ORDER BY id DESC LIMIT 1
                """).first

            let snapshotID = try await connection.query("""
                INSERT INTO snapshots (tenant_id, job_id, kind, status, started_at, duration_ms, object_count, changed_count,
                                       new_blobs, bytes_added, root_hash, data_key_id, delta_links, delta_links_mac, missing_types,
                                       retained_until)
                VALUES (\(tenantID), \(jobID), \(request.kind.rawValue), \(status.rawValue), \(request.startedAt), \(duration), 0, 0,
                        \(request.newBlobs), \(request.bytesAdded), \(PostgresBytes(RootHash.zero.bytes)), \(keys.dataKeyID),
                        \(deltaLinks)::jsonb, \(deltaLinksTag), \(missing)::jsonb, \(retainedUntil))
                RETURNING id
                """).first!.decode(Int64.self, "id")

            // The writer stages only for a tenant that has a map (a first one is written under a
            // pending id): close what changed, was removed, or was not seen in a fully read type.
            try await connection.query("""
                WITH closing AS (
                    SELECT v.type, v.object_id FROM object_versions v
                    JOIN snapshot_staging s ON s.attempt_id = \(attemptID) AND s.type = v.type AND s.object_id = v.object_id
                    WHERE v.tenant_id = \(tenantID) AND v.valid_to IS NULL AND (s.op = 'remove' OR s.blob_id <> v.blob_id)
                    UNION ALL
                    SELECT v.type, v.object_id FROM object_versions v
                    WHERE v.tenant_id = \(tenantID) AND v.valid_to IS NULL AND v.type = ANY (\(request.fullyReadTypes)::text[])
                      AND NOT EXISTS (SELECT 1 FROM snapshot_staging s
                                      WHERE s.attempt_id = \(attemptID) AND s.type = v.type AND s.object_id = v.object_id)
                )
                UPDATE object_versions v SET valid_to = \(snapshotID)
                FROM closing c
                WHERE v.tenant_id = \(tenantID) AND v.type = c.type AND v.object_id = c.object_id AND v.valid_to IS NULL
                """)
            // Objects still current after the closing are unchanged: the current-version index
            // skips them. (A NOT EXISTS here was planned as a scan per staged row while the
            // table's statistics still described it before a first full backup: minutes.)
            try await connection.query("""
                INSERT INTO object_versions (tenant_id, type, object_id, valid_from, blob_id)
                SELECT \(tenantID), s.type, s.object_id, \(snapshotID), s.blob_id FROM snapshot_staging s
                WHERE s.attempt_id = \(attemptID) AND s.op = 'put'
                ORDER BY s.type, s.object_id
                ON CONFLICT (tenant_id, type, object_id) WHERE valid_to IS NULL DO NOTHING
                """)

            // The root hash: the predecessor's plus what opened, minus what closed; or, when the
            // tenant's data key changed, the whole current map hashed under the new one.
            var previousRoot: RootHash?
            if let previous, try previous.decode(String.self, "data_key_id") == keys.dataKeyID,
               let bytes = BlobID(hex: try previous.decode(String.self, "root"))?.bytes {
                previousRoot = RootHash(bytes: bytes)
            }
            let tally = try await ChangeTally.read(snapshotID: snapshotID, tenantID: tenantID, from: previousRoot, keys: keys,
                                                   on: connection)
            let root: RootHash
            let objectCount: Int64
            if let moved = tally.root, let previous {
                root = moved
                objectCount = try previous.decode(Int64.self, "object_count") + tally.opened - tally.closed
            } else {
                (root, objectCount) = try await SnapshotQueries.rootHash(tenantID: tenantID, at: snapshotID, keys: keys,
                                                                        connection: connection)
            }
            let typeCountsJSON = String(decoding: try encoder.encode(tally.typeCounts), as: UTF8.self)
            try await connection.query("""
                UPDATE snapshots SET root_hash = \(PostgresBytes(root.bytes)), object_count = \(objectCount),
                       changed_count = \(tally.opened + tally.closed), type_counts = \(typeCountsJSON)::jsonb
                WHERE id = \(snapshotID)
                """)
            try await connection.query("DELETE FROM snapshot_staging WHERE job_id = \(jobID)")
            try await self.requireClaimForCommit(on: connection)
            return snapshotID
        }
    }

    /// Versions opened and closed by one commit from which the map's statistics are refreshed.
    static let analyzeAfterChanges: Int64 = 10_000
}
