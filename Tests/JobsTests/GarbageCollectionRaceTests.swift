import Foundation
import HoldfastTesting
import Jobs
import Postgres
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
            let keys = try await harness.vault.keyProvider.currentKeys(tenantID: harness.tenantID)
            let stray = try SealedBlob.seal(try CanonicalJSON.canonicalize(Array("{\"id\":\"stray\"}".utf8)), keys: keys)
            _ = try await harness.vault.blobStore.put([stray], tenantID: harness.tenantID)
            let orphans = try await harness.vault.blobStore.list(tenantID: harness.tenantID, after: nil, limit: 100_000).count

            let collector = BlobGarbageCollector(client: client, blobStore: harness.vault.blobStore, batchSize: 20, logger: harness.logger)
            let (snapshot, rounds, collectedDuringBackup) = try await withThrowingTaskGroup(of: (SnapshotSummary?, Int, Int).self) { group in
                group.addTask { (try await harness.backup(jobID: 2, full: true), 0, 0) }
                group.addTask {
                    var rounds = 0, deleted = 0
                    while !Task.isCancelled {
                        do {
                            deleted += try await collector.collect(tenantID: harness.tenantID).blobsDeleted
                            rounds += 1
                        } catch where Task.isCancelled {
                            break
                        }
                    }
                    return (nil, rounds, deleted)
                }
                var snapshot: SnapshotSummary?
                var rounds = 0, deleted = 0
                for try await (result, collectorRounds, collectorDeleted) in group {
                    if let result {
                        snapshot = result
                        group.cancelAll()
                    }
                    rounds += collectorRounds
                    deleted += collectorDeleted
                }
                return (snapshot, rounds, deleted)
            }
            let committed = try #require(snapshot)
            #expect(rounds >= 1)
            // Every blob the snapshot names is there and authentic.
            let verification = try await harness.vault.verify(snapshotID: committed.id)
            #expect(verification.failures.isEmpty, "blobs collected under the backup: \(verification.failures)")
            #expect(verification.passed)
            // What the collector took during the backup, the backup wrote again (or never needed).
            #expect(collectedDuringBackup <= orphans)

            // Once the backup is done, the collector takes exactly what nothing names: the stray blob.
            let final = try await collector.collect(tenantID: harness.tenantID)
            let stored = Set(try await harness.vault.blobStore.list(tenantID: harness.tenantID, after: nil, limit: 100_000))
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
