import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing
@testable import Vault

@Suite("Snapshots")
struct SnapshotTests {
    func users(_ names: [String: String]) throws -> [(objectID: String, canonical: [UInt8])] {
        try names.sorted { $0.key < $1.key }.map { ($0.key, try json(#"{"id":"\#($0.key)","displayName":"\#($0.value)"}"#)) }
    }

    func commit(_ writer: SnapshotWriter, kind: SnapshotSummary.Kind = .full, fullyRead: [String] = ["user"],
                missing: [SnapshotSummary.MissingType] = []) async throws -> SnapshotSummary {
        try await writer.commit(SnapshotCommit(kind: kind, startedAt: Date(), fullyReadTypes: fullyRead, deltaLinks: ["user": "link-\(writer.jobID)"],
                                               missingTypes: missing, newBlobs: 0, bytesAdded: 0))
    }

    @Test func fullThenIncrementalKeepsHistoryAndOnlyChangedVersions() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let tenant = try await fixture.addTenant("contoso")

            let first = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 1)
            let staged = try await first.stage(type: "user", objects: try users(["u1": "Ann", "u2": "Bob", "u3": "Cy"]), fullyRead: true)
            #expect(staged.changed == 3 && staged.newBlobs == 3 && staged.bytesAdded > 0)
            let s1 = try await commit(first)
            #expect(s1.objectCount == 3 && s1.changedCount == 3 && s1.status == .complete && s1.deltaLinks == ["user": "link-1"])

            // Incremental: u1 changed, u2 removed, u4 new, u3 untouched (not re-sent, as delta does).
            let second = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 2)
            let delta = try await second.stage(type: "user", objects: try users(["u1": "Ann B", "u4": "Di"]), fullyRead: false)
            #expect(delta.changed == 2 && delta.newBlobs == 2)
            try await second.stageRemovals(type: "user", objectIDs: ["u2"])
            let s2 = try await commit(second, kind: .incremental, fullyRead: [])
            #expect(s2.objectCount == 3)
            #expect(s2.changedCount == 4, "u1 closed and opened, u2 closed, u4 opened")

            // A full read with nothing changed stores nothing and opens nothing.
            let third = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 3)
            let same = try await third.stage(type: "user", objects: try users(["u1": "Ann B", "u3": "Cy", "u4": "Di"]), fullyRead: true)
            #expect(same.changed == 0 && same.newBlobs == 0)
            let s3 = try await commit(third)
            #expect(s3.changedCount == 0 && s3.objectCount == 3 && s3.rootHash == s2.rootHash)

            // A full read that misses u3 closes it.
            let fourth = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 4)
            _ = try await fourth.stage(type: "user", objects: try users(["u1": "Ann B", "u4": "Di"]), fullyRead: true)
            let s4 = try await commit(fourth)
            #expect(s4.objectCount == 2 && s4.changedCount == 1)

            let vault = fixture.vault
            #expect(try await vault.object(tenantID: tenant, type: "user", objectID: "u1", at: s1.id) == json(#"{"id":"u1","displayName":"Ann"}"#))
            #expect(try await vault.object(tenantID: tenant, type: "user", objectID: "u1", at: s4.id) == json(#"{"id":"u1","displayName":"Ann B"}"#))
            #expect(try await vault.object(tenantID: tenant, type: "user", objectID: "u2", at: s1.id) != nil)
            #expect(try await vault.object(tenantID: tenant, type: "user", objectID: "u2", at: s2.id) == nil)
            #expect(try await vault.object(tenantID: tenant, type: "user", objectID: "u3", at: s3.id) != nil)
            #expect(try await vault.object(tenantID: tenant, type: "user", objectID: "u3", at: s4.id) == nil)
            let history = try await vault.history(tenantID: tenant, type: "user", objectID: "u1")
            #expect(history.map(\.validFrom) == [s1.id, s2.id] && history.map(\.validTo) == [s2.id, nil])
            #expect(try await vault.snapshot(tenantID: tenant, at: Date()).id == s4.id)
            #expect(try await vault.snapshots(tenantID: tenant).map(\.id) == [s4.id, s3.id, s2.id, s1.id])

            // The incrementally maintained roots equal a recomputation, for every snapshot.
            for snapshot in [s1, s2, s3, s4] {
                let verification = try await vault.verify(snapshotID: snapshot.id)
                #expect(verification.passed, "snapshot \(snapshot.id): \(verification)")
                #expect(Int64(verification.objects) == snapshot.objectCount)
            }
        }
    }

    @Test func tamperedBlobIsDetectedOnReadAndByVerification() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let tenant = try await fixture.addTenant("fabrikam")
            let writer = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 7)
            _ = try await writer.stage(type: "user", objects: try users(["u1": "Ann", "u2": "Bob"]), fullyRead: true)
            let snapshot = try await commit(writer)
            let version = try #require(try await fixture.vault.version(tenantID: tenant, type: "user", objectID: "u1", at: snapshot.id))

            try await schema.client.query("""
                UPDATE vault_blobs SET body = overlay(body placing '\\xff'::bytea from octet_length(body) - 3 for 1)
                WHERE tenant_id = \(tenant) AND blob_id = \(PostgresBytes(version.blobID.bytes))
                """)
            await #expect { try await fixture.vault.object(tenantID: tenant, type: "user", objectID: "u1", at: snapshot.id) } throws: {
                ($0 as? VaultError)?.code == .tampered
            }
            #expect(try await fixture.vault.object(tenantID: tenant, type: "user", objectID: "u2", at: snapshot.id) != nil)
            let verification = try await fixture.vault.verify(snapshotID: snapshot.id)
            #expect(!verification.passed && verification.failures == ["user/u1": "tampered"])

            // A map row pointed at another object's blob breaks the root hash.
            let other = try #require(try await fixture.vault.version(tenantID: tenant, type: "user", objectID: "u2", at: snapshot.id))
            try await schema.client.query("""
                UPDATE object_versions SET blob_id = \(PostgresBytes(other.blobID.bytes))
                WHERE tenant_id = \(tenant) AND object_id = 'u1'
                """)
            #expect(try await fixture.vault.verify(snapshotID: snapshot.id).rootHashMatches == false)
        }
    }

    @Test func retriedJobCommitsExactlyOneSnapshot() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let tenant = try await fixture.addTenant("northwind")
            let first = try await fixture.runningJob(tenantID: tenant)
            let jobID = first.jobID
            // A map already exists, so these attempts stage (the path a first snapshot skips).
            let seed = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 900_000)
            _ = try await seed.stage(type: "user", objects: try users(["u1": "Ann"]), fullyRead: true)
            _ = try await commit(seed)

            // Attempt 1 writes blobs and staging, then its worker stops renewing before the commit.
            let crashed = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: jobID, claim: first)
            _ = try await crashed.stage(type: "user", objects: try users(["u1": "Ann", "u2": "Bob", "ghost": "Partial"]), fullyRead: true)
            #expect(try await fixture.vault.snapshots(tenantID: tenant).count == 1, "nothing visible before the commit")

            // The attempt's claim is gone (rescued and claimed again as attempt 2).
            let second = try await fixture.takeOver(first)
            await #expect { try await commit(crashed) } throws: { ($0 as? VaultError)?.code == .claimLost }
            #expect(try await fixture.vault.snapshots(tenantID: tenant).count == 1)

            // Attempt 2 restarts staging; blobs attempt 1 wrote are reused, not written again.
            let retry = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: jobID, claim: second)
            let staged = try await retry.stage(type: "user", objects: try users(["u1": "Ann", "u2": "Bob"]), fullyRead: true)
            #expect(staged.changed == 1 && staged.newBlobs == 0)
            let snapshot = try await commit(retry)
            #expect(snapshot.objectCount == 2, "the crashed attempt's staging did not leak in")
            // Committing again (the job failed to complete and runs once more) returns the same snapshot.
            let again = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: jobID, claim: second)
            #expect(try await again.committedSnapshot()?.id == snapshot.id)
            #expect(try await commit(again).id == snapshot.id)
            #expect(try await fixture.vault.snapshots(tenantID: tenant).count == 2)
            #expect(try await fixture.vault.verify(snapshotID: snapshot.id).passed)
        }
    }

    /// F1 (docs/security.md): an attempt that lost its lease but still runs must not touch the
    /// attempt that took over. Before attempts had their own staging, attempt 1's `discardStaged`
    /// (a delta token expiring, any Graph error) deleted attempt 2's rows of the type, and the
    /// commit then closed every current object of the fully read type: a `complete` snapshot with
    /// every user deleted.
    @Test func aLateAttemptsDiscardCannotEmptyTheNextAttemptsStaging() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let tenant = try await fixture.addTenant("fourthcoffee")
            let everyone = Dictionary(uniqueKeysWithValues: (1...40).map { ("u\($0)", "User \($0)") })
            let seed = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 900_000)
            _ = try await seed.stage(type: "user", objects: try users(everyone), fullyRead: true)
            #expect(try await commit(seed).objectCount == 40)

            let first = try await fixture.runningJob(tenantID: tenant)
            let late = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: first.jobID, claim: first)
            _ = try await late.stage(type: "user", objects: try users(everyone), fullyRead: true)
            // Attempt 1 stalls past its lease; attempt 2 takes over and stages every user again.
            let second = try await fixture.takeOver(first)
            let current = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: first.jobID, claim: second)
            _ = try await current.stage(type: "user", objects: try users(everyone), fullyRead: true)
            // Attempt 1 resumes and gives up on the type, then stages and removes what it still holds.
            try await late.discardStaged(type: "user")
            _ = try await late.stage(type: "user", objects: try users(["u1": "Changed by the late attempt"]), fullyRead: true)
            try await late.stageRemovals(type: "user", objectIDs: ["u2", "u3"])

            let snapshot = try await commit(current)
            #expect(snapshot.status == .complete)
            #expect(snapshot.objectCount == 40, "every user is still there")
            #expect(snapshot.changedCount == 0)
            #expect(try await fixture.vault.object(tenantID: tenant, type: "user", objectID: "u1", at: snapshot.id)
                    == json(#"{"id":"u1","displayName":"User 1"}"#))
            #expect(try await fixture.vault.verify(snapshotID: snapshot.id).passed)
            // The late attempt cannot commit over it either.
            await #expect { try await commit(late) } throws: { ($0 as? VaultError)?.code == .claimLost }
            #expect(try await fixture.vault.snapshots(tenantID: tenant).count == 2)
        }
    }

    @Test func partialSnapshotNamesMissingTypesAndKeepsTheirObjects() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let tenant = try await fixture.addTenant("tailspin")
            let first = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 1)
            _ = try await first.stage(type: "user", objects: try users(["u1": "Ann"]), fullyRead: true)
            _ = try await first.stage(type: "domain", objects: [("contoso.com", try json(#"{"id":"contoso.com"}"#))], fullyRead: true)
            let s1 = try await commit(first, fullyRead: ["user", "domain"])

            let second = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 2)
            _ = try await second.stage(type: "user", objects: try users(["u1": "Ann"]), fullyRead: true)
            let missing = SnapshotSummary.MissingType(type: "domain", code: "Authorization_RequestDenied",
                                                      reason: "grant Domain.Read.All")
            let s2 = try await commit(second, fullyRead: ["user"], missing: [missing])
            #expect(s2.status == .partial && s2.missingTypes == [missing])
            #expect(try await fixture.vault.object(tenantID: tenant, type: "domain", objectID: "contoso.com", at: s2.id) != nil,
                    "an unreadable type carries over rather than being deleted")
            #expect(s2.rootHash == s1.rootHash)
        }
    }

    @Test func exportWritesPlainJSONFiles() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = VaultFixture(schema: schema)
            let tenant = try await fixture.addTenant("adatum")
            let writer = try await fixture.vault.beginSnapshot(tenantID: tenant, jobID: 1)
            _ = try await writer.stage(type: "user", objects: try users(["u1": "Ann", "u2": "Bob"]), fullyRead: true)
            _ = try await writer.stage(type: "group.members", objects: [("g1/u1", try json(#"{"id":"u1"}"#))], fullyRead: true)
            let snapshot = try await commit(writer, fullyRead: ["user", "group.members"])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-export-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(try await fixture.vault.export(snapshotID: snapshot.id, to: directory) == 3)
            let user = try Data(contentsOf: directory.appendingPathComponent("user/u1.json"))
            #expect(Array(user) == (try json(#"{"id":"u1","displayName":"Ann"}"#)))
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("group.members/g1%2Fu1.json").path))
            // Plain directory content: the owner's alone, whatever the umask (review F15).
            func mode(_ path: String) throws -> Int {
                try #require(try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(path).path)[.posixPermissions] as? Int)
            }
            #expect(try mode("user") == 0o700 && mode("user/u1.json") == 0o600)
            #expect(try mode(".") & 0o077 == 0)
        }
    }
}
