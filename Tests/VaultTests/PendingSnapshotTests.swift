import Foundation
import HoldfastTesting
import Jobs
import Logging
import Postgres
import Queue
import Testing
@testable import Vault

/// A tenant's first snapshot writes its version rows while the backup reads, under a pending
/// snapshot id (migration 0016): invisible until committed, discarded by a later attempt, which
/// also stops the earlier one writing, and collected with its job.
@Suite("Pending snapshots")
struct PendingSnapshotTests {
    func users(_ names: [String: String]) throws -> [(objectID: String, canonical: [UInt8])] {
        try names.sorted { $0.key < $1.key }.map { ($0.key, try json(#"{"id":"\#($0.key)","displayName":"\#($0.value)"}"#)) }
    }

    func commit(_ writer: SnapshotWriter) async throws -> SnapshotSummary {
        try await writer.commit(SnapshotCommit(kind: .full, startedAt: Date(), fullyReadTypes: ["user", "group.members"], deltaLinks: [:],
                                               missingTypes: [], newBlobs: 0, bytesAdded: 0))
    }

    func count(_ sql: PostgresQuery, _ client: PostgresClient) async throws -> Int {
        try await client.query(sql).first!.decode(Int.self, "n")
    }

    @Test func firstSnapshotIsWrittenWhileReadingAndInvisibleUntilCommitted() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let client = schema.client
            let tenant = try await fixture.addTenant("fabrikam")

            let writer = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 1)
            let pending = try #require(writer.pendingSnapshotID, "a tenant without a map writes under a pending id")
            let staged = try await writer.stage(type: "user", objects: try users(["u1": "Ann", "u2": "Bob", "u3": "Cy"]), fullyRead: true)
            #expect(staged.changed == 3 && staged.newBlobs == 3)
            // The same object again in a later page: the newer copy replaces the pending version.
            let replayed = try await writer.stage(type: "user", objects: try users(["u2": "Bob B"]), fullyRead: true)
            #expect(replayed.changed == 1)
            _ = try await writer.stage(type: "group.members", objects: [("g1/u1", try json(#"{"id":"u1"}"#)),
                                                                         ("g1/u2", try json(#"{"id":"u2"}"#)),
                                                                         ("g2/u3", try json(#"{"id":"u3"}"#))], fullyRead: true)
            try await writer.stageRemovals(type: "user", objectIDs: ["u3"])
            try await writer.stageRemovalOfReferences(type: "group.members", targetIDs: ["u3"])
            #expect(try await writer.objectIDs(type: "user", after: "", limit: 10) == ["u1", "u2"])

            // Written, but nobody reading the vault sees any of it.
            #expect(try await count("SELECT count(*)::int AS n FROM object_versions WHERE valid_from = \(pending)", client) == 4)
            #expect(try await count("SELECT count(*)::int AS n FROM snapshot_staging", client) == 0)
            #expect(try await fixture.vault.snapshots(tenantID: tenant).isEmpty)
            #expect(try await fixture.vault.currentCount(tenantID: tenant, type: "user") == 0)
            #expect(try await fixture.vault.history(tenantID: tenant, type: "user", objectID: "u1").isEmpty)

            let snapshot = try await commit(writer)
            #expect(snapshot.id == pending, "the reserved id becomes the snapshot")
            #expect(snapshot.objectCount == 4 && snapshot.changedCount == 4)
            #expect(try await client.query("SELECT type_counts::text AS t FROM snapshots WHERE id = \(snapshot.id)").first!
                .decode(String.self, "t") == #"{"user": {"opened": 2}, "group.members": {"opened": 2}}"#)
            #expect(try await count("SELECT count(*)::int AS n FROM pending_snapshots", client) == 0)
            #expect(try await fixture.vault.verify(snapshotID: snapshot.id).passed, "the root hash matches the map")
            let u2 = try #require(try await fixture.vault.object(tenantID: tenant, type: "user", objectID: "u2", at: snapshot.id))
            #expect(String(decoding: u2, as: UTF8.self).contains("Bob B"))
            #expect(try await fixture.vault.object(tenantID: tenant, type: "user", objectID: "u3", at: snapshot.id) == nil)
            #expect(try await fixture.vault.currentCount(tenantID: tenant, type: "user") == 2)

            // The tenant has a map now: the next backup stages and closes as before.
            let next = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 2)
            #expect(next.pendingSnapshotID == nil)
            _ = try await next.stage(type: "user", objects: try users(["u1": "Ann"]), fullyRead: true)
            let second = try await next.commit(SnapshotCommit(kind: .full, startedAt: Date(), fullyReadTypes: ["user"], deltaLinks: [:],
                                                              missingTypes: [], newBlobs: 0, bytesAdded: 0))
            #expect(second.id > snapshot.id && second.objectCount == 3 && second.changedCount == 1, "u2 closed")
            #expect(try await fixture.vault.verify(snapshotID: second.id).passed)
        }
    }

    @Test func laterAttemptDiscardsThePendingSnapshotAndStopsTheEarlierOne() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let client = schema.client
            let tenant = try await fixture.addTenant("litware")
            let first = try await fixture.runningJob(tenantID: tenant)
            let jobID = first.jobID

            let stale = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: jobID, claim: first)
            let staleID = try #require(stale.pendingSnapshotID)
            _ = try await stale.stage(type: "user", objects: try users(["u1": "Ann", "ghost": "Left behind"]), fullyRead: true)

            // The job is rescued and claimed again; the new attempt's begin discards attempt 1's rows.
            let second = try await fixture.takeOver(first)
            let retry = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: jobID, claim: second)
            let retryID = try #require(retry.pendingSnapshotID)
            #expect(retryID > staleID)
            #expect(try await count("SELECT count(*)::int AS n FROM object_versions WHERE valid_from = \(staleID)", client) == 0)
            _ = try await retry.stage(type: "user", objects: try users(["u1": "Ann", "u2": "Bob"]), fullyRead: true)

            // Attempt 1 is still running somewhere: it can neither write nor commit any more.
            await #expect { _ = try await stale.stage(type: "user", objects: try users(["u3": "Cy"]), fullyRead: true) } throws: {
                ($0 as? VaultError)?.code == .claimLost
            }
            await #expect { _ = try await commit(stale) } throws: { ($0 as? VaultError)?.code == .claimLost }
            // Nor begin again (a late begin would discard attempt 2's reservation).
            await #expect { _ = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: jobID, claim: first) } throws: {
                ($0 as? VaultError)?.code == .claimLost
            }
            #expect(try await count("SELECT count(*)::int AS n FROM pending_snapshots WHERE id = \(retryID)", client) == 1)

            let snapshot = try await commit(retry)
            #expect(snapshot.id == retryID && snapshot.objectCount == 2, "nothing of attempt 1 leaked in")
            #expect(try await fixture.vault.snapshots(tenantID: tenant).count == 1)
            #expect(try await fixture.vault.verify(snapshotID: snapshot.id).passed)
            // Once more (the job failed to complete and runs again): the same snapshot, no reservation.
            let again = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: jobID, claim: second)
            #expect(again.pendingSnapshotID == nil)
            #expect(try await commit(again).id == snapshot.id)
        }
    }

    @Test func garbageCollectionDiscardsPendingSnapshotsOfEndedJobsOnly() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let client = schema.client
            let ended = try await fixture.addTenant("adatum")
            let running = try await fixture.addTenant("woodgrove")
            let endedJob = try await fixture.runningJob(tenantID: ended)
            let runningJob = try await fixture.runningJob(tenantID: running)
            let abandoned = try await fixture.vault.beginSnapshot(tenantID: ended, jobID: endedJob.jobID, claim: endedJob)
            _ = try await abandoned.stage(type: "user", objects: try users(["u1": "Ann", "u2": "Bob"]), fullyRead: true)
            let live = try await fixture.vault.beginSnapshot(tenantID: running, jobID: runningJob.jobID, claim: runningJob)
            _ = try await live.stage(type: "user", objects: try users(["u1": "Ann"]), fullyRead: true)
            #expect(try await JobCompleter(client: client, logger: fixture.logger)
                .fail(endedJob, error: "test", permanent: true, retryPolicy: RetryPolicy()) == .discarded)

            let collector = BlobGarbageCollector(client: client, blobStore: fixture.vault.blobStore, attempts: JobAttempts(),
                                                 logger: Logger(label: "test"))
            let collected = try await collector.collect(tenantID: ended)
            #expect(collected.abandonedPendingSnapshots == 1 && collected.abandonedPendingVersions == 2)
            #expect(collected.blobsDeleted == 2, "the blobs only the abandoned rows named")
            let kept = try await collector.collect(tenantID: running)
            #expect(kept.abandonedPendingSnapshots == 0 && kept.blobsDeleted == 0, "a running job's pending rows keep their blobs")
            #expect(try await commit(live).objectCount == 1)
        }
    }

    @Test func versionRowsNeedACommittedOrPendingSnapshot() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let client = schema.client
            let tenant = try await fixture.addTenant("tailspin")
            let writer = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 7)
            let pending = try #require(writer.pendingSnapshotID)
            _ = try await writer.stage(type: "user", objects: try users(["u1": "Ann"]), fullyRead: true)
            let blob = PostgresBytes([UInt8](repeating: 7, count: 32))

            await #expect { try await client.query("""
                INSERT INTO object_versions (tenant_id, type, object_id, valid_from, blob_id)
                VALUES (\(tenant), 'user', 'u9', \(pending + 1000), \(blob))
                """) } throws: { ($0 as? PostgresError)?.sqlState == "23503" }
            await #expect { try await client.query("DELETE FROM pending_snapshots WHERE id = \(pending)") } throws: {
                ($0 as? PostgresError)?.sqlState == "23503"
            }
            let snapshot = try await commit(writer)
            await #expect { try await client.query("UPDATE object_versions SET valid_from = \(snapshot.id + 1000) WHERE tenant_id = \(tenant)") } throws: {
                ($0 as? PostgresError)?.sqlState == "23503"
            }
        }
    }
}
