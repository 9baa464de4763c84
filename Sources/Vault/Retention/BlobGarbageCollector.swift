public import Foundation
public import Logging
public import Postgres

/// Deletes a tenant's blobs that no version row and no running backup's staging names, through
/// the ``BlobStore`` protocol (so every back-end is collected the same way).
///
/// Safe while a backup of the same tenant runs. A backup stages a row naming each blob *before*
/// it checks whether the blob is stored and writes it (``SnapshotWriter/stage(type:objects:fullyRead:)``),
/// and it inserts staging rows holding the tenant's GC lock shared
/// (`pg_try_advisory_xact_lock_shared(vault_gc_lock_key(tenant))`, tried again after a pause when
/// the collector has it, so that no writer waits inside the server on a pooled connection while
/// the collector needs one for the blob store). The collector confirms each batch
/// of candidates as unreferenced and deletes them while holding that lock exclusively. So either
/// the staging row committed first (the collector sees it and keeps the blob), or the collector
/// finished deleting first (the backup then finds the blob missing and writes it again). A
/// tenant's first snapshot writes version rows (under its pending id) the same way. The commit
/// moves staging rows into version rows in one transaction, and the collector's check reads both
/// in one statement, so a blob is never between the two. No grace period is needed, and
/// none would help: a re-used blob can be old.
public struct BlobGarbageCollector: Sendable {
    public let client: PostgresClient
    public let blobStore: any BlobStore
    /// Which backup attempts ended: their staging rows and pending snapshots can go.
    public let attempts: any SnapshotAttemptLedger
    public let logger: Logger
    /// Ids listed (and locked for) per round.
    public var batchSize: Int

    /// What one collection did.
    public struct Result: Sendable, Hashable, Codable {
        public var blobsScanned = 0
        public var blobsDeleted = 0
        /// Unreferenced blobs the store kept because their S3 Object Lock has not expired; a
        /// later collection deletes them.
        public var blobsKeptLocked = 0
        public var bytesFreed: Int64 = 0
        /// Staging rows of attempts that ended without committing (their blobs become collectable).
        public var abandonedStagingRows = 0
        /// Pending first snapshots of such jobs, and the version rows written under them.
        public var abandonedPendingSnapshots = 0
        public var abandonedPendingVersions = 0
        /// Temporary files of interrupted blob writes removed (file blob store).
        public var leftoverFilesRemoved = 0

        public init() {}
    }

    public init(client: PostgresClient, blobStore: any BlobStore, attempts: any SnapshotAttemptLedger, batchSize: Int = 1000, logger: Logger) {
        self.client = client
        self.blobStore = blobStore
        self.attempts = attempts
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    /// Collects the tenant's unreferenced blobs; `progress` hears the running totals after every
    /// page of `batchSize` blobs looked at.
    public func collect(tenantID: UUID, progress: @Sendable (Result) async throws -> Void = { _ in }) async throws -> Result {
        var result = Result()
        (result.abandonedStagingRows, result.abandonedPendingSnapshots, result.abandonedPendingVersions) =
            try await self.client.withTransaction(logger: self.logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(vault_gc_lock_key(\(tenantID)))")
                // Only attempts that ended for good (their job finished, or a later attempt took it
                // over): an attempt that may still commit keeps what it staged. Under the lock held
                // exclusively no staging row of the tenant is inserted meanwhile.
                let staged = try await connection.query("""
                    SELECT DISTINCT job_id, attempt_id FROM snapshot_staging WHERE tenant_id = \(tenantID)
                    """).map { SnapshotAttempt(jobID: try $0.decode(Int64.self, "job_id"), attemptID: try $0.decode(UUID.self, "attempt_id")) }
                let ended = staged.isEmpty ? [] : try await self.attempts.ended(staged, on: connection).compactMap(\.attemptID)
                let staging = ended.isEmpty ? 0 : try await connection.query("""
                    DELETE FROM snapshot_staging WHERE tenant_id = \(tenantID) AND attempt_id = ANY (\(ended)::uuid[])
                    """).affectedRows
                let pending = try await PendingSnapshots.discardEnded(tenantID: tenantID, ledger: self.attempts, on: connection)
                return (staging, pending.snapshots, pending.versions)
            }
        result.leftoverFilesRemoved = try await self.blobStore.collectLeftovers(tenantID: tenantID, logger: self.logger)
        var after: BlobID?
        while true {
            try Task.checkCancellation()
            let listed = try await self.blobStore.list(tenantID: tenantID, after: after, limit: self.batchSize, logger: self.logger)
            guard let last = listed.last else { break }
            after = last
            result.blobsScanned += listed.count
            // A first look without the lock, so rounds with nothing to collect never block backups.
            guard !(try await Self.unreferenced(listed, tenantID: tenantID, on: nil, client: self.client, logger: self.logger)).isEmpty else {
                try await progress(result)
                if listed.count < self.batchSize { break }
                continue
            }
            let (deleted, kept, bytes) = try await self.client.withTransaction(logger: self.logger) { connection -> (Int, Int, Int64) in
                try await connection.query("SELECT pg_advisory_xact_lock(vault_gc_lock_key(\(tenantID)))")
                let confirmed = try await Self.unreferenced(listed, tenantID: tenantID, on: connection, client: self.client, logger: self.logger)
                guard !confirmed.isEmpty else { return (0, 0, 0) }
                var sizes: [BlobID: Int64] = [:]
                for id in confirmed {
                    sizes[id] = Int64(try await self.blobStore.get(id, tenantID: tenantID, logger: self.logger)?.count ?? 0)
                }
                let deleted = try await self.blobStore.delete(confirmed, tenantID: tenantID, logger: self.logger)
                return (deleted.count, confirmed.count - deleted.count, deleted.reduce(0) { $0 + (sizes[$1] ?? 0) })
            }
            result.blobsDeleted += deleted
            result.blobsKeptLocked += kept
            result.bytesFreed += bytes
            try await progress(result)
            if listed.count < self.batchSize { break }
        }
        self.logger.info("garbage collected", metadata: [
            "tenant.id": "\(tenantID.uuidString.lowercased())", "gc.scanned": "\(result.blobsScanned)",
            "gc.deleted": "\(result.blobsDeleted)", "gc.kept_locked": "\(result.blobsKeptLocked)", "gc.bytes_freed": "\(result.bytesFreed)",
            "gc.abandoned_staging_rows": "\(result.abandonedStagingRows)", "gc.abandoned_pending": "\(result.abandonedPendingSnapshots)",
        ])
        return result
    }

    /// Those of `ids` that no version and no staging row of the tenant names, in one statement
    /// (one snapshot of the database, so a commit moving staging into versions is seen whole).
    static func unreferenced(_ ids: [BlobID], tenantID: UUID, on connection: PostgresConnection?,
                             client: PostgresClient, logger: Logger) async throws -> [BlobID] {
        let query: PostgresQuery = """
            SELECT hex FROM unnest(\(ids.map(\.hex))::text[]) AS hex
            WHERE NOT EXISTS (SELECT 1 FROM object_versions v WHERE v.tenant_id = \(tenantID) AND v.blob_id = decode(hex, 'hex'))
              AND NOT EXISTS (SELECT 1 FROM snapshot_staging s WHERE s.tenant_id = \(tenantID) AND s.blob_id = decode(hex, 'hex'))
            """
        let rows = if let connection { try await connection.query(query) } else { try await client.query(query, logger: logger) }
        return try rows.compactMap { BlobID(hex: try $0.decode(String.self, "hex")) }
    }
}
