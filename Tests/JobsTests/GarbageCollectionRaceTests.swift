import Foundation
import HoldfastTesting
import Jobs
import Postgres
import Queue
import Synchronization
import Testing
import Vault

@Suite("Garbage collection racing a backup")
struct GarbageCollectionRaceTests {
    @Test func collectionRunningThroughABackupNeverTakesABlobTheBackupUses() async throws {
        try await BackupHarness.run { harness in
            let client = harness.schema.client
            _ = try await harness.backup(jobID: 1)
            // Orphan every blob: the map goes, the blobs stay (as after an abandoned history).
            // The next full backup re-uses most of them, which is the dangerous case: old blobs.
            try await client.withTransaction { connection in
                try await connection.query("ALTER TABLE snapshots DISABLE TRIGGER snapshots_guard_delete")
                try await connection.query("DELETE FROM object_versions WHERE tenant_id = \(harness.tenantID)")
                try await connection.query("DELETE FROM snapshots WHERE tenant_id = \(harness.tenantID)")
                try await connection.query("ALTER TABLE snapshots ENABLE TRIGGER snapshots_guard_delete")
            }
            // One stray blob no backup will name.
            let keys = try await harness.vault.keyProvider.currentKeys(tenantID: harness.tenantID, logger: TestLogger.make())
            let stray = try SealedBlob.seal(try CanonicalJSON.canonicalize(Array("{\"id\":\"stray\"}".utf8)), keys: keys)
            _ = try await harness.vault.blobStore.put([stray], tenantID: harness.tenantID, logger: TestLogger.make())
            let orphans = try await harness.vault.blobStore.list(tenantID: harness.tenantID, after: nil, limit: 100_000, logger: TestLogger.make()).count

            let collector = BlobGarbageCollector(client: client, blobStore: harness.vault.blobStore, attempts: JobAttempts(),
                                                 batchSize: 20, logger: harness.logger)
            // Counted from the collector's progress (after every page of 20 blobs), so that a round
            // cut short when the backup ends still counts what it looked at and deleted.
            let seen = CollectorProgress()
            let snapshot = try await withThrowingTaskGroup(of: SnapshotSummary?.self) { group in
                group.addTask { try await harness.backup(jobID: 2, full: true) }
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            let round = try await collector.collect(tenantID: harness.tenantID) { progress in
                                seen.state.withLock { $0.pages += 1; $0.deletedInThisRound = progress.blobsDeleted }
                            }
                            seen.state.withLock { $0.deletedInFinishedRounds += round.blobsDeleted; $0.deletedInThisRound = 0 }
                        } catch where Task.isCancelled {
                            break
                        }
                    }
                    return nil
                }
                var snapshot: SnapshotSummary?
                for try await result in group where result != nil {
                    snapshot = result
                    group.cancelAll()
                }
                return snapshot
            }
            let (pages, collectedDuringBackup) = seen.state.withLock { ($0.pages, $0.deletedInFinishedRounds + $0.deletedInThisRound) }
            let committed = try #require(snapshot)
            #expect(pages >= 1, "the collector looked at blobs while the backup ran")
            // Every blob the snapshot names is there and authentic.
            let verification = try await harness.vault.verify(snapshotID: committed.id)
            #expect(verification.failures.isEmpty, "blobs collected under the backup: \(verification.failures)")
            #expect(verification.passed)
            // What the collector took during the backup, the backup wrote again (or never needed).
            #expect(collectedDuringBackup <= orphans)

            // Once the backup is done, the collector takes exactly what nothing names: the stray blob.
            let final = try await collector.collect(tenantID: harness.tenantID)
            let stored = Set(try await harness.vault.blobStore.list(tenantID: harness.tenantID, after: nil, limit: 100_000, logger: TestLogger.make()))
            let referenced = Set(try await client.query("""
                SELECT DISTINCT encode(blob_id, 'hex') AS b FROM object_versions WHERE tenant_id = \(harness.tenantID)
                """).rows.compactMap { BlobID(hex: try $0.decode(String.self, "b")) })
            #expect(stored == referenced)
            #expect(!stored.contains(stray.id))
            #expect(final.blobsDeleted + collectedDuringBackup >= 1)
            #expect(try await harness.vault.verify(snapshotID: committed.id).passed)
        }
    }
}

/// What the collector reported while it raced the backup.
private final class CollectorProgress: Sendable {
    let state = Mutex((pages: 0, deletedInFinishedRounds: 0, deletedInThisRound: 0))
}
