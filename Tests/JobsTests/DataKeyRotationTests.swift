import Foundation
import HoldfastTesting
import Tenancy
import Testing
import Vault

/// Review F14: after a tenant's data key is rotated, new blobs are sealed under the new key while
/// blob names, snapshot hashes and everything stored before stay valid.
@Suite struct DataKeyRotationTests {
    @Test func aRotatedDataKeySealsNewBlobsWithoutRenamingOldOnes() async throws {
        try await VaultHarness.run { harness in
            let first = try await harness.commit(jobID: 1, ["user": ["a": #"{"id":"a","n":1}"#, "b": #"{"id":"b","n":1}"#]])
            let rotated = try await harness.schema.client.withTransaction {
                try await harness.dataKeys.rotateDataKey(tenantID: harness.tenantID, on: $0)
            }
            #expect(rotated.id != first.dataKeyID)

            let second = try await harness.commit(jobID: 2, ["user": ["a": #"{"id":"a","n":1}"#, "b": #"{"id":"b","n":2}"#,
                                                                       "c": #"{"id":"c","n":1}"#]])
            #expect(second.dataKeyID == rotated.id)
            // The unchanged object keeps its blob: the next backup is not a copy of everything.
            let before = try #require(try await harness.vault.version(tenantID: harness.tenantID, type: "user", objectID: "a", at: first.id))
            let after = try #require(try await harness.vault.version(tenantID: harness.tenantID, type: "user", objectID: "a", at: second.id))
            #expect(before.blobID == after.blobID)
            // Old and new snapshots read and verify; a new blob names the new key in its header.
            #expect(try await harness.vault.verify(snapshotID: first.id).passed)
            #expect(try await harness.vault.verify(snapshotID: second.id).passed)
            #expect(try await harness.contents(second.id).count == 3)
            let changed = try #require(try await harness.vault.version(tenantID: harness.tenantID, type: "user", objectID: "b", at: second.id))
            let sealed = try #require(try await harness.vault.blobStore.get(changed.blobID, tenantID: harness.tenantID, logger: harness.logger))
            #expect(try SealedBlob.dataKeyID(of: sealed) == rotated.id)
        }
    }
}
