public import Foundation
public import Logging
public import Postgres

/// Builds one snapshot of one tenant for one job: objects are staged page by page while the backup
/// reads Graph (staging rows, then blobs, each in its own short statement), and ``commit(_:)``
/// makes the whole snapshot visible in one short transaction.
///
/// A tenant's first map is written straight into `object_versions` under a pending snapshot id
/// (``pendingSnapshotID``) instead of the staging table, so that its commit has no rows to copy;
/// readers see none of them before the commit. Staging is keyed by the attempt (``attemptID``),
/// and ``begin`` clears what earlier attempts of the job left (staging rows, pending snapshots),
/// so a retried job stages afresh, and an earlier attempt still running after it lost its lease
/// can neither add to nor delete from this attempt's rows; blobs an abandoned attempt wrote are
/// reused (same ids) or left for garbage collection. Begin and commit are conditional on the
/// claim (``SnapshotClaim``).
public struct SnapshotWriter: Sendable {
    public let tenantID: UUID
    public let jobID: Int64
    /// The queue's claim this writer's begin and commit are conditional on; nil outside the queue.
    public let claim: (any SnapshotClaim)?
    /// The claim's attempt id, or one of the writer's own outside the queue: the staging key.
    public let attemptID: UUID
    public let keys: TenantVaultKeys
    let client: PostgresClient
    let blobStore: any BlobStore
    let logger: Logger
    /// The lock date blobs got when this snapshot began (nil: none); see ``lockSnapshotBlobs()``.
    let lockedFrom: Date?
    /// The reserved snapshot id this writer's version rows are opened under, when the tenant had
    /// no current map at ``begin``; nil when it stages in `snapshot_staging`.
    public let pendingSnapshotID: Int64?

    /// What staging one batch did.
    public struct StageResult: Sendable, Hashable {
        /// Objects whose content differs from the current map (new or changed).
        public var changed: Int = 0
        /// Blobs this batch stored that were not in the store before.
        public var newBlobs: Int = 0
        /// Sealed bytes of those blobs.
        public var bytesAdded: Int = 0

        public init() {}

        public static func += (lhs: inout StageResult, rhs: StageResult) {
            lhs.changed += rhs.changed
            lhs.newBlobs += rhs.newBlobs
            lhs.bytesAdded += rhs.bytesAdded
        }
    }

    /// Starts (or restarts) staging for `jobID`: clears what earlier attempts of the job staged and
    /// every pending snapshot of the tenant, then reserves a pending id if the tenant has no map;
    /// with a `claim`, only while it holds.
    public static func begin(tenantID: UUID, jobID: Int64, claim: (any SnapshotClaim)?, client: PostgresClient, blobStore: any BlobStore,
                             keyProvider: any VaultKeyProvider, logger: Logger) async throws -> SnapshotWriter {
        if let claim, claim.jobID != jobID {
            throw VaultError(.claimLost, "the claim of job \(claim.jobID) cannot write the snapshot of job \(jobID)")
        }
        let attemptID = claim?.attemptID ?? UUID()
        let preparation = try await client.withTransaction(logger: logger) { connection in
            try await connection.query("DELETE FROM snapshot_staging WHERE job_id = \(jobID) AND attempt_id <> \(attemptID)")
            let preparation = try await PendingSnapshots.prepare(tenantID: tenantID, jobID: jobID, attemptID: attemptID, on: connection)
            // Last, so the job's row stays locked only until the COMMIT: an attempt that lost its
            // claim (and is only now resuming) deletes nothing of the attempt that took over.
            try await Self.requireClaim(claim, on: connection, doing: "begin its snapshot")
            return preparation
        }
        if preparation.discarded > 0 {
            logger.notice("discarded the pending snapshots of earlier attempts", metadata: [
                "tenant.id": "\(tenantID.uuidString.lowercased())", "job.id": "\(jobID)", "vault.pending_snapshots": "\(preparation.discarded)",
                "vault.versions_discarded": "\(preparation.versionsDiscarded)",
            ])
        }
        let keys = try await keyProvider.currentKeys(tenantID: tenantID, logger: logger)
        let lockedFrom = try await (blobStore as? any RetentionLockingBlobStore)?.retentionTarget(tenantID: tenantID, at: Date())
        return SnapshotWriter(tenantID: tenantID, jobID: jobID, claim: claim, attemptID: attemptID, keys: keys, client: client,
                              blobStore: blobStore, logger: logger, lockedFrom: lockedFrom, pendingSnapshotID: preparation.reservedID)
    }

    /// Throws `.claimLost` unless `claim` (if any) still holds; it then stays locked on
    /// `connection` until its transaction ends.
    static func requireClaim(_ claim: (any SnapshotClaim)?, on connection: PostgresConnection, doing action: String) async throws {
        guard let claim else { return }
        guard try await claim.lock(on: connection) else {
            throw VaultError(.claimLost, "job \(claim.jobID) attempt \(claim.attemptID.uuidString.lowercased()) no longer holds its claim; it did not \(action)")
        }
    }

    /// A committed snapshot of this job, if an earlier attempt committed one before failing to
    /// complete the job: the retry then has nothing to do. With a claim, read in one transaction
    /// with the claim's outcome record, so the job completes only where that snapshot is.
    public func committedSnapshot() async throws -> SnapshotSummary? {
        guard let claim else {
            return try await SnapshotQueries.snapshot(jobID: self.jobID, client: self.client, logger: self.logger)
        }
        let jobID = self.jobID
        let found = try await self.client.withTransaction(logger: self.logger) { connection -> Bool in
            guard try await connection.query("SELECT 1 FROM snapshots WHERE job_id = \(jobID)").first != nil else { return false }
            try await Self.requireClaim(claim, on: connection, doing: "take over its committed snapshot")
            try await claim.recordOutcome(on: connection)
            return true
        }
        return found ? try await SnapshotQueries.snapshot(jobID: jobID, client: self.client, logger: self.logger) : nil
    }

    /// The current blob ids of `objectIDs` of `type`: the latest committed map's, or for a pending
    /// snapshot what this writer has already written.
    public func currentBlobIDs(type: String, objectIDs: [String]) async throws -> [String: BlobID] {
        guard !objectIDs.isEmpty else { return [:] }
        let rows = try await self.client.query("""
            SELECT object_id, encode(blob_id, 'hex') AS blob FROM object_versions
            WHERE tenant_id = \(self.tenantID) AND type = \(type) AND object_id = ANY (\(objectIDs)::text[]) AND valid_to IS NULL
            """, logger: self.logger)
        var current: [String: BlobID] = [:]
        for row in rows {
            if let id = BlobID(hex: try row.decode(String.self, "blob")) { current[try row.decode(String.self, "object_id")] = id }
        }
        return current
    }

    /// Stages present objects of `type`, each as canonical JSON. Changed objects are sealed and
    /// stored (blobs first), then staged. With `fullyRead` every object is staged, changed or not,
    /// so the commit can close the versions of objects that were not seen.
    public func stage(type: String, objects: [(objectID: String, canonical: [UInt8])], fullyRead: Bool) async throws -> StageResult {
        var result = StageResult()
        guard !objects.isEmpty else { return result }
        // Later duplicates win: delta replays the same object, and the newest copy is last.
        var latest: [String: [UInt8]] = [:]
        var order: [String] = []
        for object in objects {
            if latest.updateValue(object.canonical, forKey: object.objectID) == nil { order.append(object.objectID) }
        }
        let ids = Dictionary(uniqueKeysWithValues: order.map { ($0, self.keys.blobID(of: latest[$0]!)) })
        let current = try await self.currentBlobIDs(type: type, objectIDs: order)
        let changed = order.filter { current[$0] != ids[$0] }
        result.changed = changed.count

        // Staging rows first, then blobs: garbage collection keeps every blob a staging row names,
        // so a blob this backup re-uses or is about to write is never collected under it
        // (see BlobGarbageCollector).
        // A pending snapshot's rows are its map: an unchanged object is already in it.
        let staged = fullyRead && self.pendingSnapshotID == nil ? order : changed
        try await self.insertStaging(type: type, rows: staged.map { ($0, ids[$0]) })

        if !changed.isEmpty {
            let wanted = Array(Set(changed.map { ids[$0]! }))
            let present = try await self.blobStore.contains(wanted, tenantID: self.tenantID, logger: self.logger)
            try await self.lockReusedBlobs(Array(present))
            var sealed: [(id: BlobID, sealed: [UInt8])] = []
            var sealedIDs = Set<BlobID>()
            for objectID in changed {
                let id = ids[objectID]!
                guard !present.contains(id), sealedIDs.insert(id).inserted else { continue }
                sealed.append(try SealedBlob.seal(latest[objectID]!, keys: self.keys))
            }
            let written = try await self.blobStore.put(sealed, tenantID: self.tenantID, logger: self.logger)
            result.newBlobs = written.count
            result.bytesAdded = sealed.filter { written.contains($0.id) }.reduce(0) { $0 + $1.sealed.count }
        }
        return result
    }

    /// Stages removals (delta's `@removed`) of `type`.
    public func stageRemovals(type: String, objectIDs: [String]) async throws {
        try await self.insertStaging(type: type, rows: objectIDs.map { ($0, nil) })
    }

    /// Forgets what was staged for `type` (a delta round that must restart from a full read).
    public func discardStaged(type: String) async throws {
        if let pending = self.pendingSnapshotID {
            try await self.client.query("""
                DELETE FROM object_versions WHERE tenant_id = \(self.tenantID) AND type = \(type) AND valid_from = \(pending)
                """, logger: self.logger)
        } else {
            // This attempt's rows only: a late attempt cannot empty the type for the one that took over.
            try await self.client.query("DELETE FROM snapshot_staging WHERE attempt_id = \(self.attemptID) AND type = \(type)", logger: self.logger)
        }
    }

    private func insertStaging(type: String, rows unordered: [(String, BlobID?)]) async throws {
        // In key order, so that concurrent batches of one type (a parent listed twice) wait on
        // each other instead of deadlocking.
        let rows = unordered.sorted { $0.0 < $1.0 }
        if let pending = self.pendingSnapshotID {
            try await self.writePending(type: type, rows: rows, snapshotID: pending)
            return
        }
        var start = 0
        while start < rows.count {
            let batch = Array(rows[start..<min(start + 1000, rows.count)])
            start += 1000
            let tenantID = self.tenantID
            let jobID = self.jobID
            let attemptID = self.attemptID
            try await self.insertHoldingGCLock("""
                WITH gc AS MATERIALIZED (SELECT pg_try_advisory_xact_lock_shared(vault_gc_lock_key(\(tenantID))) AS held),
                staged AS (
                    INSERT INTO snapshot_staging (job_id, attempt_id, tenant_id, type, object_id, op, blob_id)
                    SELECT \(jobID), \(attemptID), \(tenantID), \(type), object_id,
                           CASE WHEN blob = '' THEN 'remove' ELSE 'put' END,
                           CASE WHEN blob = '' THEN NULL ELSE decode(blob, 'hex') END
                    FROM gc, unnest(\(batch.map(\.0))::text[], \(batch.map { $0.1?.hex ?? "" })::text[]) AS s (object_id, blob)
                    WHERE gc.held
                    ON CONFLICT (attempt_id, type, object_id) DO UPDATE SET op = excluded.op, blob_id = excluded.blob_id
                )
                SELECT held FROM gc
                """)
        }
    }

    /// Runs `statement`, an insert that writes only if its `gc` step took the tenant's GC lock
    /// shared (`pg_try_advisory_xact_lock_shared`) and answers `held`, until it took it.
    ///
    /// The lock makes the insert and a collection exclusive (see BlobGarbageCollector): either the
    /// collection finished deleting before these rows commit, or it sees them. It is tried, not
    /// waited for inside the statement: a waiting statement holds a pooled connection, and a
    /// collector holding the lock needs connections of the same pool for the blob store. A
    /// collector waiting for it makes the try fail too, so it is not starved.
    func insertHoldingGCLock(_ statement: PostgresQuery) async throws {
        var pause = 5
        while try await self.client.query(statement, logger: self.logger).first?.decode(Bool.self, "held") != true {
            try await Task.sleep(for: .milliseconds(pause + Int.random(in: 0...pause)))
            pause = min(pause * 2, 200)
        }
    }
}
