import Foundation
import Graph
import GraphSim
import HoldfastTesting
@testable import Jobs
import Postgres
import Testing
import Vault

// One graph-sim tenant backed up at a time: in parallel they load the 2 cores enough that other
// suites' throttling tests stop reaching graph-sim's limits.
@Suite("Backup against graph-sim", .serialized)
struct BackupJobTests {
    /// Entries the backup reads (relationships from delta included), with what graph-sim serves now.
    func expectSnapshotEqualsGraph(_ harness: BackupHarness, _ snapshot: SnapshotSummary,
                                   skipping: Set<String> = []) async throws {
        for entry in ResourceCatalogue.entries where !skipping.contains(entry.name) {
            let live = try await harness.liveObjects(entry)
            let stored = try await harness.storedObjects(entry.name, in: snapshot)
            #expect(Set(stored.keys) == Set(live.keys), "\(entry.name): stored and live object ids differ")
            for (key, object) in live where stored[key] != nil {
                #expect(stored[key] == object, "\(entry.name) \(key) differs from graph-sim")
            }
        }
    }

    @Test func fullBackupHoldsEveryObjectAndRelationship() async throws {
        try await BackupHarness.run { harness in
            let snapshot = try await harness.backup(jobID: 1)
            #expect(snapshot.status == .complete, "missing: \(snapshot.missingTypes)")
            #expect(snapshot.kind == .full)
            #expect(snapshot.objectCount > 100)
            #expect(Set(snapshot.deltaLinks.keys) == Set(ResourceCatalogue.entries.filter { $0.delta != nil }.map(\.name)))
            try await expectSnapshotEqualsGraph(harness, snapshot)
            #expect(try await harness.vault.verify(snapshotID: snapshot.id).passed)
        }
    }

    @Test func incrementalBackupCapturesExactlyTheIncidents() async throws {
        try await BackupHarness.run { harness in
            let first = try await harness.backup(jobID: 1)
            let groups = try await harness.liveObjects(try #require(ResourceCatalogue.entry(named: "group")))
            let groupID = try #require(groups.keys.sorted().first)

            let sim = harness.simulator
            let renamed = try sim.apply(.changeAttribute(count: 3, property: "jobTitle", value: "Incident Analyst"), tenant: "contoso")
            let deleted = try sim.apply(.deleteUsers(count: 2), tenant: "contoso")
            let created = try sim.apply(.createUsers(count: 2), tenant: "contoso")
            _ = try sim.apply(.addGroupMembers(groupId: groupID, count: 2), tenant: "contoso")
            _ = try sim.apply(.weakenConditionalAccessPolicies(count: 1), tenant: "contoso")

            let second = try await harness.backup(jobID: 2)
            #expect(second.kind == .incremental && second.status == .complete)
            try await expectSnapshotEqualsGraph(harness, second)
            let verification = try await harness.vault.verify(snapshotID: second.id)
            #expect(verification.passed && Int64(verification.objects) == second.objectCount)

            // Only changed objects made new versions and blobs.
            let opened = try await harness.schema.client.query("""
                SELECT type, object_id FROM object_versions WHERE tenant_id = \(harness.tenantID) AND valid_from = \(second.id)
                """).map { "\(try $0.decode(String.self, "type"))/\(try $0.decode(String.self, "object_id"))" }
            let changedUsers = Set(opened.filter { $0.hasPrefix("user/") }.map { String($0.dropFirst(5)) })
            #expect(changedUsers == Set(renamed.affectedIds + created.affectedIds).subtracting(deleted.affectedIds))
            #expect(opened.filter { $0.hasPrefix("group.members/") }.count == 2)
            #expect(opened.filter { $0.hasPrefix("conditionalAccessPolicy/") }.count == 1)
            #expect(second.newBlobs <= Int64(opened.count))
            for id in deleted.affectedIds {
                #expect(try await harness.vault.object(tenantID: harness.tenantID, type: "user", objectID: id, at: second.id) == nil)
                #expect(try await harness.vault.object(tenantID: harness.tenantID, type: "user", objectID: id, at: first.id) != nil)
            }
            let survivor = try #require(renamed.affectedIds.first { !deleted.affectedIds.contains($0) })
            let history = try await harness.vault.history(tenantID: harness.tenantID, type: "user", objectID: survivor)
            #expect(history.map(\.validFrom) == [first.id, second.id])
            #expect(history.map(\.validTo) == [second.id, nil])
        }
    }

    /// After an incremental delta round, children are listed for the parents it reported and for
    /// this run's sweep slot only — not for every user — and the snapshot still equals Graph, also
    /// when a deleted user owned applications (Graph reports no change on them).
    @Test func incrementalRunListsChildrenOnlyOfChangedParentsAndTheSweep() async throws {
        try await BackupHarness.run { harness in
            _ = try await harness.backup(jobID: 1)
            let users = try await harness.liveObjects(try #require(ResourceCatalogue.entry(named: "user"))).keys
            let changed = try harness.simulator.apply(.changeAttribute(count: 2, property: "jobTitle", value: "Moved"), tenant: "contoso")
            let log = try #require(harness.simulator.tenant(named: "contoso")).requestLog
            let before = log.totalCount

            let second = try await harness.backup(jobID: 2)
            // Before the comparison below, which lists everything itself.
            let records = log.records(after: before)
            #expect(second.kind == .incremental && second.status == .complete)
            try await expectSnapshotEqualsGraph(harness, second)
            let listed = Set(records.compactMap { record -> String? in
                let parts = record.path.split(separator: "?")[0].split(separator: "/")
                guard let index = parts.firstIndex(of: "authentication"), index >= 2, parts[index - 2] == "users" else { return nil }
                return String(parts[index - 1])
            })
            // The first incremental run after a full one sweeps slot 0.
            let swept = Set(users.filter { BackupRun.sweepSlot(of: $0, runs: 4) == 0 })
            #expect(listed == Set(changed.affectedIds).union(swept))
            #expect(listed.count < users.count)

            // A user who owns applications is deleted: the ownerships close with it.
            let owners = try await harness.liveObjects(try #require(ResourceCatalogue.entry(named: "application.owners"))).keys
            let owner = try #require(owners.compactMap { $0.split(separator: "/").last.map(String.init) }.first { users.contains($0) })
            _ = try harness.simulator.apply(.deleteUsers(count: 1, ids: [owner]), tenant: "contoso")
            let third = try await harness.backup(jobID: 3)
            #expect(third.kind == .incremental)
            try await expectSnapshotEqualsGraph(harness, third)
        }
    }

    /// With the directory audits readable, an incremental run lists the authentication methods of
    /// exactly the users the audits name (a method registered on a user delta reports unchanged)
    /// instead of sweeping a quarter of all users.
    @Test func directoryAuditsNameTheUsersWhoseMethodsChangedInsteadOfASweep() async throws {
        try await BackupHarness.run(grant: ["AuditLog.Read.All", "UserAuthenticationMethod.ReadWrite.All"]) { harness in
            _ = try await harness.backup(jobID: 1)
            let users = try await harness.liveObjects(try #require(ResourceCatalogue.entry(named: "user"))).keys
            // A user outside the first sweep slot, so a sweep could not explain the listing.
            var registered: String?
            for user in users.sorted() where BackupRun.sweepSlot(of: user, runs: 4) != 0 {
                let request = GraphRequest(method: "POST", path: "/users/\(user)/authentication/phoneMethods",
                                           headers: [("Content-Type", "application/json")],
                                           body: Array(#"{"phoneNumber":"+1 206 555 0199","phoneType":"office"}"#.utf8), isIdempotent: false)
                if (try? await harness.session.send(request)) != nil {
                    registered = user
                    break
                }
            }
            let user = try #require(registered)
            let log = try #require(harness.simulator.tenant(named: "contoso")).requestLog
            let before = log.totalCount

            let second = try await harness.backup(jobID: 2)
            let listed = Set(log.records(after: before).compactMap { record -> String? in
                let parts = record.path.split(separator: "?")[0].split(separator: "/")
                guard let index = parts.firstIndex(of: "authentication"), index >= 2, parts[index - 2] == "users" else { return nil }
                return String(parts[index - 1])
            })
            #expect(second.kind == .incremental && second.status == .complete)
            #expect(listed == [user])
            try await expectSnapshotEqualsGraph(harness, second)
        }
    }

    @Test func expiredDeltaTokensAreReadInFull() async throws {
        try await BackupHarness.run { harness in
            _ = try await harness.backup(jobID: 1)
            try harness.simulator.forceResync(tenant: "contoso")
            _ = try harness.simulator.apply(.deleteUsers(count: 1), tenant: "contoso")
            let second = try await harness.backup(jobID: 2)
            #expect(second.status == .complete)
            try await expectSnapshotEqualsGraph(harness, second)
        }
    }

    @Test func missingPermissionMakesAPartialSnapshotNamingTheType() async throws {
        try await BackupHarness.run(withhold: ["OnPremDirectorySynchronization.Read.All"]) { harness in
            let snapshot = try await harness.backup(jobID: 1)
            #expect(snapshot.status == .partial)
            #expect(snapshot.missingTypes.map(\.type) == ["onPremisesSynchronization"])
            #expect(snapshot.missingTypes.first?.reason.contains("OnPremDirectorySynchronization.Read.All") == true)
            try await expectSnapshotEqualsGraph(harness, snapshot, skipping: ["onPremisesSynchronization"])
        }
    }

    @Test func anAppThatCanReadNothingFailsTheAttemptInsteadOfCommitting() async throws {
        try await BackupHarness.run(withhold: Set(ResourceCatalogue.requiredPermissions)) { harness in
            do {
                let snapshot = try await harness.backup(jobID: 1)
                Issue.record("committed snapshot \(snapshot.id) although nothing could be read")
            } catch let error as BackupError {
                #expect(error.code == .nothingReadable)
            }
            let snapshots = try await harness.vault.snapshots(tenantID: harness.tenantID)
            #expect(snapshots.isEmpty)
        }
    }

    @Test func faultsAndThrottlingStillGiveACompleteSnapshot() async throws {
        let faults = FaultProfile(serviceUnavailableRate: 0.05, gatewayTimeoutRate: 0.03, retryAfterOn503: 0.05)
        try await BackupHarness.run(faults: faults, throttling: true) { harness in
            let snapshot = try await harness.backup(jobID: 1)
            #expect(snapshot.status == .complete, "missing: \(snapshot.missingTypes)")
            try harness.simulator.setFaults(nil, tenant: "contoso")
            harness.simulator.setThrottling(enabled: false)
            let faulted = harness.fixture.tenant.requestLog.records().filter { $0.status >= 500 || $0.status == 429 }
            #expect(!faulted.isEmpty, "the profile injected nothing; the test proves nothing")
            try await expectSnapshotEqualsGraph(harness, snapshot)
        }
    }

    @Test func backupKilledBeforeItsCommitIsRetriedIntoOneSnapshot() async throws {
        struct Killed: Error {}
        try await BackupHarness.run { harness in
            // The first attempt dies after writing blobs and staging for a few types.
            await #expect(throws: Killed.self) {
                _ = try await harness.backup(jobID: 42) { progress in
                    if progress.types.values.filter({ $0.state == .done }).count >= 5 { throw Killed() }
                }
            }
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).isEmpty)
            let orphanBlobs = try await harness.schema.client.query("SELECT count(*) AS n FROM vault_blobs").first!.decode(Int.self, "n")
            #expect(orphanBlobs > 0)

            let snapshot = try await harness.backup(jobID: 42)
            #expect(snapshot.status == .complete)
            // A third run of the same job (its completion was lost) finds the committed snapshot.
            #expect(try await harness.backup(jobID: 42).id == snapshot.id)
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).count == 1)
            #expect(try await harness.vault.verify(snapshotID: snapshot.id).passed)
            try await expectSnapshotEqualsGraph(harness, snapshot)
        }
    }
}
