import Foundation
import Postgres

/// Object Lock for snapshots (docs/backup.md, "Immutability"): every blob a committed snapshot
/// references stays locked until at least its `retained_until`.
extension SnapshotWriter {
    private var lockingStore: (any RetentionLockingBlobStore)? { self.blobStore as? any RetentionLockingBlobStore }

    /// De-duplication hits (blobs already stored that changed objects now point at) were locked
    /// for older snapshots: lock them as long as a blob written now.
    func lockReusedBlobs(_ ids: [BlobID]) async throws {
        guard !ids.isEmpty, let store = self.lockingStore,
              let until = try await store.retentionTarget(tenantID: self.tenantID, at: Date()) else { return }
        try await store.extendRetention(ids, tenantID: self.tenantID, until: until)
    }

    /// Called before the commit; returns the snapshot's `retained_until`.
    ///
    /// Blobs written by this run are locked to at least ``lockedFrom``, de-duplication hits were
    /// extended when staged, and the previous snapshot's blobs (which this one carries over) are
    /// locked to its `retained_until`. When that already reaches the lock date due now, nothing is
    /// left to do; otherwise (a new lock period began, the window grew, or the store did not lock
    /// before) every blob of the live map and of this run's staging is extended, once per period.
    func lockSnapshotBlobs() async throws -> Date? {
        guard let store = self.lockingStore, let until = try await store.retentionTarget(tenantID: self.tenantID, at: Date()) else {
            return nil
        }
        let previous = try await self.client.query("""
            SELECT retained_until FROM snapshots WHERE tenant_id = \(self.tenantID) ORDER BY id DESC LIMIT 1
            """, logger: self.logger).first
        let previousUntil = try previous?.decode(Date?.self, "retained_until")
        let carriedShort = previous != nil && (previousUntil.map { $0 < until } ?? true)
        let writtenShort = self.lockedFrom.map { $0 < until } ?? true
        guard carriedShort || writtenShort else { return until }

        self.logger.info("extending the blob locks of the whole snapshot", metadata: [
            "tenant.id": "\(self.tenantID.uuidString.lowercased())", "job.id": "\(self.jobID)", "vault.retained_until": "\(until)",
        ])
        var extended = 0
        for source in ["live", "staged"] {
            var after: [UInt8] = []
            while true {
                let rows = source == "live"
                    ? try await self.client.query("""
                        SELECT DISTINCT blob_id FROM object_versions
                        WHERE tenant_id = \(self.tenantID) AND valid_to IS NULL AND blob_id > \(PostgresBytes(after))
                        ORDER BY blob_id LIMIT 1000
                        """, logger: self.logger)
                    : try await self.client.query("""
                        SELECT DISTINCT blob_id FROM snapshot_staging
                        WHERE attempt_id = \(self.attemptID) AND blob_id IS NOT NULL AND blob_id > \(PostgresBytes(after))
                        ORDER BY blob_id LIMIT 1000
                        """, logger: self.logger)
                let ids = try rows.map { BlobID(bytes: try $0.decode(PostgresBytes.self, "blob_id").bytes) }
                try await store.extendRetention(ids, tenantID: self.tenantID, until: until)
                extended += ids.count
                guard ids.count == 1000, let last = ids.last else { break }
                after = last.bytes
            }
        }
        self.logger.info("blob locks extended", metadata: ["tenant.id": "\(self.tenantID.uuidString.lowercased())", "vault.blobs": "\(extended)"])
        return until
    }
}
