import Foundation
import HoldfastTesting
import Jobs
import Postgres
import Queue
import Tenancy
import Testing
import Vault

@Suite("Retention job: policy, guards, validity ranges and garbage collection")
struct RetentionJobTests {
    /// The objects of the k-th simulated backup: stable users, a user edited every few backups,
    /// one that comes and goes, and a group that lives for five backups.
    static func objects(_ k: Int) -> [String: [String: String]] {
        var users: [String: String] = [:]
        for id in 0..<3 { users["u\(id)"] = "{\"id\":\"u\(id)\",\"displayName\":\"Stable \(id)\"}" }
        users["editor"] = "{\"id\":\"editor\",\"revision\":\(k / 4)}"
        if k % 3 != 0 { users["sometimes"] = "{\"id\":\"sometimes\",\"seen\":true}" }
        users["daily-\(k % 6)"] = "{\"id\":\"daily-\(k % 6)\",\"k\":\(k)}"
        let groups = ["g\(k / 5)": "{\"id\":\"g\(k / 5)\",\"members\":\(k % 5)}"]
        return ["user": users, "group": groups]
    }

    @Test func yearsOfSnapshotsKeepTheirContentThroughRetentionWithAMovedClock() async throws {
        try await VaultHarness.run { harness in
            // 150 backups, one every 7.3 days: three years, ending a day ago.
            let count = 150
            let step: TimeInterval = 7.3 * 86_400
            let end = Date().addingTimeInterval(-86_400)
            var snapshots: [SnapshotSummary] = []
            for k in 0..<count { snapshots.append(try await harness.commit(jobID: Int64(k + 1), Self.objects(k))) }
            var times: [Int64: Date] = [:]
            for (index, snapshot) in snapshots.enumerated() {
                times[snapshot.id] = end.addingTimeInterval(-Double(count - 1 - index) * step)
            }
            try await harness.setCommittedAt(times)
            var contents: [Int64: [String: [UInt8]]] = [:]
            for snapshot in snapshots { contents[snapshot.id] = try await harness.contents(snapshot.id) }

            _ = try await harness.policies.create(name: "gfs", settings: {
                var settings = PolicySettings()
                settings.retention = RetentionRules(last: 3, daily: 7, weekly: 6, monthly: 6, yearly: 3)
                settings.immutabilityWindow = 30 * 86_400
                return settings
            }(), actor: "test")
            _ = try await harness.policies.assign(policyName: "gfs", tenantID: harness.tenantID, actor: "test")
            let held = snapshots[10].id
            try await harness.vault.holdSnapshot(id: held, reason: "case 42", actor: "test")

            // First run with the clock eighteen months back: later snapshots are in its future.
            let midpoint = times[snapshots[count / 2].id]!.addingTimeInterval(3600)
            let run = RetentionRun(vault: harness.vault, policies: harness.policies, logger: harness.logger)
            let first = try await run.run(tenantID: harness.tenantID, jobID: nil, now: midpoint)
            #expect(!first.deleted.isEmpty)
            #expect(first.deleted.allSatisfy { times[$0.snapshotID]! < midpoint })
            #expect(first.protected.contains { $0.id == held && $0.reason == .legalHold })
            #expect(first.protected.contains { $0.reason == .future })

            // Then at the end of the series.
            let last = try await run.run(tenantID: harness.tenantID, jobID: nil, now: end.addingTimeInterval(3600))
            let deleted = Set((first.deleted + last.deleted).map(\.snapshotID))
            let remaining = try await harness.vault.snapshots(tenantID: harness.tenantID, limit: 1000)
            #expect(remaining.count + deleted.count == count)
            #expect(remaining.contains { $0.id == held })
            #expect(remaining.first?.id == snapshots.last!.id)
            for snapshot in snapshots where times[snapshot.id]! > end.addingTimeInterval(3600 - 30 * 86_400) {
                #expect(!deleted.contains(snapshot.id), "snapshot \(snapshot.id) is inside the immutability window")
            }
            // Roughly: 3 last + 7 daily + 6 weekly + 6 monthly + 3 yearly, overlapping, plus the held one.
            let bound = [3, 7, 6, 6, 3, 1].reduce(0, +)
            #expect(remaining.count <= bound)

            // Every remaining snapshot reads back exactly as before, and verifies against its root hash.
            for snapshot in remaining {
                #expect(try await harness.contents(snapshot.id) == contents[snapshot.id], "snapshot \(snapshot.id) reads back unchanged")
                let verification = try await harness.vault.verify(snapshotID: snapshot.id)
                #expect(verification.passed && verification.rootHashMatches, "snapshot \(snapshot.id) verifies")
            }
            // Garbage collection freed the blobs only deleted snapshots named, and left none behind.
            #expect(first.garbage.blobsDeleted + last.garbage.blobsDeleted > 0)
            #expect(first.garbage.bytesFreed + last.garbage.bytesFreed > 0)
            #expect(try await harness.storedBlobs() == harness.referencedBlobs())

            // Both runs are recorded, and every deletion audited.
            let runs = try await RetentionRunRecord.list(tenantID: harness.tenantID, limit: 10, client: harness.schema.client)
            #expect(runs.map(\.deleted) == [last.deleted.count, first.deleted.count], "newest first")
            #expect(runs.map(\.blobsDeleted) == [last.garbage.blobsDeleted, first.garbage.blobsDeleted].map(Int64.init))
            #expect(try await RetentionRunRecord.list(tenantID: harness.tenantID, limit: 1, client: harness.schema.client).map(\.id) == [runs[0].id])
            let audited = try await harness.schema.client.query("""
                SELECT count(*) AS n FROM audit_log WHERE action = 'snapshot.delete' AND tenant_id = \(harness.tenantID)
                """).first!.decode(Int.self, "n")
            #expect(audited == deleted.count)
        }
    }

    @Test func theDatabaseRefusesDeletingHeldImmutableAndNewestSnapshots() async throws {
        try await VaultHarness.run { harness in
            var snapshots: [SnapshotSummary] = []
            for k in 0..<5 { snapshots.append(try await harness.commit(jobID: Int64(k + 1), Self.objects(k))) }
            let day: TimeInterval = 86_400
            try await harness.setCommittedAt(Dictionary(uniqueKeysWithValues: snapshots.enumerated().map {
                ($0.element.id, Date().addingTimeInterval(-Double(10 - $0.offset) * day))
            }))
            var settings = PolicySettings()
            settings.immutabilityWindow = 7.5 * day
            _ = try await harness.policies.create(name: "locked", settings: settings, actor: "test")
            _ = try await harness.policies.assign(policyName: "locked", tenantID: harness.tenantID, actor: "test")
            try await harness.vault.holdSnapshot(id: snapshots[0].id, reason: "litigation", actor: "test")

            // Snapshots 0 (10 days old, held), 1 (9 days), 2 (8 days), 3 (7 days: immutable), 4 (newest, immutable).
            await Self.expectRefusal(.legalHold, sqlState: "HF001", id: snapshots[0].id, harness)
            await Self.expectRefusal(.immutable, sqlState: "HF003", id: snapshots[3].id, harness)
            await Self.expectRefusal(.immutable, sqlState: "HF003", id: snapshots[4].id, harness)
            _ = try await harness.vault.deleteSnapshot(id: snapshots[1].id, actor: "test", reason: "test")

            // A tenant hold covers every snapshot.
            try await harness.policies.holdTenant(harness.tenantID, reason: "regulator request", actor: "test")
            await Self.expectRefusal(.legalHold, sqlState: "HF002", id: snapshots[2].id, harness)
            try await harness.policies.releaseTenant(harness.tenantID, actor: "test")

            // The newest snapshot, once out of the window, is still never deleted; nor can times be rewritten.
            _ = try await harness.policies.update(name: "locked", changes: { var c = PolicyChanges(); c.immutabilityWindow = 0; return c }(),
                                                  actor: "test")
            await Self.expectRefusal(.newestSnapshot, sqlState: "HF004", id: snapshots[4].id, harness)
            await #expect(throws: PostgresError.self) {
                try await harness.schema.client.query("UPDATE snapshots SET committed_at = committed_at - interval '1 year' WHERE id = \(snapshots[3].id)")
            }
            _ = try await harness.vault.deleteSnapshot(id: snapshots[3].id, actor: "test", reason: "test")
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).map(\.id) == [snapshots[4].id, snapshots[2].id, snapshots[0].id])

            // An offboarded tenant's data may go entirely, except what a hold protects.
            let client = harness.schema.client
            try await client.query("UPDATE tenants SET status = 'offboarded' WHERE id = \(harness.tenantID)")
            try await client.query("DELETE FROM object_versions WHERE tenant_id = \(harness.tenantID)")
            try await client.query("DELETE FROM snapshots WHERE tenant_id = \(harness.tenantID) AND NOT legal_hold")
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).map(\.id) == [snapshots[0].id])
            await Self.expectRefusal(.legalHold, sqlState: "HF001", id: snapshots[0].id, harness)
        }
    }

    /// Six snapshots, a day apart and about a hundred days old, under a policy that keeps only the last.
    static func sixOldSnapshotsUnderKeepLastOne(_ harness: VaultHarness) async throws -> [Int64] {
        var ids: [Int64] = []
        for k in 0..<6 { ids.append(try await harness.commit(jobID: Int64(k + 1), Self.objects(k)).id) }
        try await harness.setCommittedAt(Dictionary(uniqueKeysWithValues: ids.enumerated().map {
            ($0.element, Date().addingTimeInterval(-Double(100 - $0.offset) * 86_400))
        }))
        var settings = PolicySettings()
        settings.retention = RetentionRules(last: 1)
        _ = try await harness.policies.create(name: "short", settings: settings, actor: "test")
        _ = try await harness.policies.assign(policyName: "short", tenantID: harness.tenantID, actor: "test")
        return ids
    }

    /// Stores a restore plan (no steps: the guard reads only its snapshot and status) into the harness's tenant.
    static func restorePlan(from snapshotID: Int64, status: String, _ harness: VaultHarness) async throws -> UUID {
        try await harness.schema.client.query("""
            INSERT INTO restore_plans (source_tenant_id, target_tenant_id, snapshot_id, scope, status, blast_radius_limit, created_by)
            VALUES (\(harness.tenantID), \(harness.tenantID), \(snapshotID), '{}'::jsonb, \(status), 50, 'test') RETURNING id
            """).first!.decode(UUID.self, "id")
    }

    static func setStatus(_ status: String, plan: UUID, _ harness: VaultHarness) async throws {
        try await harness.schema.client.query("UPDATE restore_plans SET status = \(status) WHERE id = \(plan)")
    }

    @Test func theDatabaseRefusesDeletingTheSnapshotOfAPendingRestorePlan() async throws {
        try await VaultHarness.run { harness in
            var snapshots: [SnapshotSummary] = []
            for k in 0..<5 { snapshots.append(try await harness.commit(jobID: Int64(k + 1), Self.objects(k))) }
            try await harness.setCommittedAt(Dictionary(uniqueKeysWithValues: snapshots.enumerated().map {
                ($0.element.id, Date().addingTimeInterval(-Double(30 - $0.offset) * 86_400))
            }))
            _ = try await harness.policies.create(name: "open", settings: PolicySettings(), actor: "test")
            _ = try await harness.policies.assign(policyName: "open", tenantID: harness.tenantID, actor: "test")

            // Planned, then applying: refused, and the vault's message names the plan and what to do.
            let plan = try await Self.restorePlan(from: snapshots[1].id, status: "planned", harness)
            await Self.expectRefusal(.pendingRestore, sqlState: "HF007", id: snapshots[1].id, harness)
            let error = await #expect(throws: VaultError.self) {
                try await harness.vault.deleteSnapshot(id: snapshots[1].id, actor: "test", reason: "test")
            }
            #expect(error?.message.contains(plan.uuidString.lowercased()) == true)
            #expect(error?.message.contains("apply") == true && error?.message.contains("discard") == true)
            try await Self.setStatus("applying", plan: plan, harness)
            await Self.expectRefusal(.pendingRestore, sqlState: "HF007", id: snapshots[1].id, harness)

            // Applied: the plan stays as evidence, the snapshot may go.
            try await Self.setStatus("applied", plan: plan, harness)
            _ = try await harness.vault.deleteSnapshot(id: snapshots[1].id, actor: "test", reason: "test")
            // Nor does a failed (or discarded) plan.
            let failed = try await Self.restorePlan(from: snapshots[2].id, status: "planned", harness)
            await Self.expectRefusal(.pendingRestore, sqlState: "HF007", id: snapshots[2].id, harness)
            try await Self.setStatus("failed", plan: failed, harness)
            _ = try await harness.vault.deleteSnapshot(id: snapshots[2].id, actor: "test", reason: "test")

            // The newest snapshot reports the firmer reason: settling a plan never makes it deletable.
            _ = try await Self.restorePlan(from: snapshots[4].id, status: "planned", harness)
            await Self.expectRefusal(.newestSnapshot, sqlState: "HF004", id: snapshots[4].id, harness)

            // An offboarded tenant's data may go entirely, except a pending plan's snapshot.
            let client = harness.schema.client
            let offboardedPlan = try await Self.restorePlan(from: snapshots[0].id, status: "applying", harness)
            try await client.query("UPDATE tenants SET status = 'offboarded' WHERE id = \(harness.tenantID)")
            try await client.query("DELETE FROM object_versions WHERE tenant_id = \(harness.tenantID)")
            await #expect(throws: PostgresError.self) {
                try await client.query("DELETE FROM snapshots WHERE tenant_id = \(harness.tenantID)")
            }
            try await client.query("DELETE FROM snapshots WHERE tenant_id = \(harness.tenantID) AND id <> \(snapshots[0].id) AND id <> \(snapshots[4].id)")
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).map(\.id) == [snapshots[4].id, snapshots[0].id])
            do {
                try await client.query("DELETE FROM snapshots WHERE id = \(snapshots[0].id)")
                Issue.record("the database deleted the snapshot of a pending restore plan")
            } catch let error as PostgresError {
                #expect(error.sqlState == "HF007")
            }
            try await Self.setStatus("failed", plan: offboardedPlan, harness)
            try await client.query("DELETE FROM snapshots WHERE id = \(snapshots[0].id)")
            try await client.query("UPDATE restore_plans SET status = 'failed' WHERE snapshot_id = \(snapshots[4].id)")
            try await client.query("DELETE FROM snapshots WHERE tenant_id = \(harness.tenantID)")
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).isEmpty)
            // The plans outlive their snapshots as evidence.
            #expect(try await client.query("SELECT count(*) AS n FROM restore_plans").first!.decode(Int.self, "n") == 4)
        }
    }

    @Test func retentionKeepsTheSnapshotOfAPendingRestorePlanUntilItIsApplied() async throws {
        try await VaultHarness.run { harness in
            let ids = try await Self.sixOldSnapshotsUnderKeepLastOne(harness)
            let planned = try await Self.restorePlan(from: ids[1], status: "planned", harness)
            let applying = try await Self.restorePlan(from: ids[2], status: "applying", harness)
            _ = try await Self.restorePlan(from: ids[3], status: "applied", harness)

            // A plan stored after the run planned (between planning and deleting) is honoured too:
            // the vault refuses, and the run records why it kept the snapshot.
            let run = RetentionRun(vault: harness.vault, policies: harness.policies, logger: harness.logger)
            let late = UUIDBox()
            let lateSnapshot = ids[4]
            let first = try await run.run(tenantID: harness.tenantID, jobID: nil, now: Date()) { report in
                if report.phase == "deleting", await late.value == nil {
                    await late.set(try await Self.restorePlan(from: lateSnapshot, status: "planned", harness))
                }
            }
            #expect(first.deleted.map(\.snapshotID) == [ids[0], ids[3]])
            #expect(first.protected.sorted { $0.id < $1.id }.map(\.id) == [ids[1], ids[2], ids[4]])
            #expect(first.protected.allSatisfy { $0.reason == .restorePlan })
            let recorded = try await harness.schema.client.query("""
                SELECT count(*) AS n FROM retention_runs r, jsonb_array_elements(r.protected) p
                WHERE r.tenant_id = \(harness.tenantID) AND p->>'reason' = 'restore_plan'
                """).first!.decode(Int.self, "n")
            #expect(recorded == 3)

            // Once the plans are settled (applied, failed), the next run deletes their snapshots.
            try await Self.setStatus("applied", plan: planned, harness)
            try await Self.setStatus("failed", plan: applying, harness)
            try await Self.setStatus("applied", plan: try #require(await late.value), harness)
            let second = try await run.run(tenantID: harness.tenantID, jobID: nil, now: Date())
            #expect(second.deleted.map(\.snapshotID) == [ids[1], ids[2], ids[4]])
            #expect(second.protected.isEmpty)
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).map(\.id) == [ids[5]])
            #expect(try await harness.storedBlobs() == harness.referencedBlobs())
        }
    }

    /// Both the vault (before touching anything) and a raw DELETE (through the trigger) refuse.
    static func expectRefusal(_ code: VaultError.Code, sqlState: String, id: Int64, _ harness: VaultHarness,
                              sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            _ = try await harness.vault.deleteSnapshot(id: id, actor: "test", reason: "test")
            Issue.record("the vault deleted snapshot \(id)", sourceLocation: sourceLocation)
        } catch let error as VaultError {
            #expect(error.code == code, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
        do {
            try await harness.schema.client.query("DELETE FROM snapshots WHERE id = \(id)")
            Issue.record("the database deleted snapshot \(id)", sourceLocation: sourceLocation)
        } catch let error as PostgresError {
            #expect(error.sqlState == sqlState, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func theNewestGoodSnapshotSurvivesPartialOnesAndFailedValidations() async throws {
        try await VaultHarness.run { harness in
            let good = try await harness.commit(jobID: 1, Self.objects(0))
            let missing = [SnapshotSummary.MissingType(type: "group", code: "Authorization_RequestDenied", reason: "no permission")]
            let partial1 = try await harness.commit(jobID: 2, Self.objects(1), missing: missing)
            let partial2 = try await harness.commit(jobID: 3, Self.objects(2), missing: missing)
            let old = Date().addingTimeInterval(-400 * 86_400)
            try await harness.setCommittedAt([good.id: old, partial1.id: old.addingTimeInterval(86_400),
                                              partial2.id: old.addingTimeInterval(2 * 86_400)])
            var settings = PolicySettings()
            settings.retention = RetentionRules(last: 1)
            _ = try await harness.policies.create(name: "minimal", settings: settings, actor: "test")
            _ = try await harness.policies.assign(policyName: "minimal", tenantID: harness.tenantID, actor: "test")

            let report = try await RetentionRun(vault: harness.vault, policies: harness.policies, logger: harness.logger)
                .run(tenantID: harness.tenantID, jobID: nil, now: Date())
            #expect(report.deleted.map(\.snapshotID) == [partial1.id])
            #expect(report.protected.map(\.id) == [good.id])
            #expect(report.protected.first?.reason == .newestGood)

            // A failed validation makes a complete snapshot not good: the guard moves to the next good one.
            let third = try await harness.commit(jobID: 4, Self.objects(3))
            let fourth = try await harness.commit(jobID: 5, Self.objects(4))
            try await harness.setCommittedAt([third.id: old.addingTimeInterval(3 * 86_400), fourth.id: old.addingTimeInterval(4 * 86_400)])
            try await ValidationStore(client: harness.schema.client).record(ValidationResult(
                tenantID: harness.tenantID, snapshotID: fourth.id, jobID: nil, startedAt: Date(), finishedAt: Date(),
                checks: [ValidationCheck(name: ValidationCheck.integrity, status: .failed, summary: "tampered", failures: ["user/u0: tampered"])],
                restoreSeconds: nil))
            let second = try await RetentionRun(vault: harness.vault, policies: harness.policies, logger: harness.logger)
                .run(tenantID: harness.tenantID, jobID: nil, now: Date())
            #expect(Set(second.deleted.map(\.snapshotID)) == [good.id, partial2.id])
            #expect(second.protected.map(\.id) == [third.id])
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).map(\.id) == [fourth.id, third.id])
        }
    }

    @Test func retentionAndCollectionWorkThroughTheFileBlobStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-gc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await VaultHarness.run(filesUnder: directory) { harness in
            var ids: [Int64] = []
            for k in 0..<8 { ids.append(try await harness.commit(jobID: Int64(k + 1), Self.objects(k)).id) }
            try await harness.setCommittedAt(Dictionary(uniqueKeysWithValues: ids.enumerated().map {
                ($0.element, Date().addingTimeInterval(-Double(30 - $0.offset) * 86_400))
            }))
            var contents: [Int64: [String: [UInt8]]] = [:]
            for id in ids { contents[id] = try await harness.contents(id) }
            var settings = PolicySettings()
            settings.retention = RetentionRules(last: 2)
            _ = try await harness.policies.create(name: "two", settings: settings, actor: "test")
            _ = try await harness.policies.assign(policyName: "two", tenantID: harness.tenantID, actor: "test")
            let before = try await harness.storedBlobs()
            // A write that crashed two hours ago left its temporary file; one in progress is fresh.
            let staging = directory.appendingPathComponent(harness.tenantID.uuidString.lowercased()).appendingPathComponent("tmp")
            let stale = staging.appendingPathComponent("crashed.0a0b0c")
            let fresh = staging.appendingPathComponent("writing.0d0e0f")
            try Data([1, 2, 3]).write(to: stale)
            try Data([4, 5, 6]).write(to: fresh)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7_200)], ofItemAtPath: stale.path)
            let report = try await RetentionRun(vault: harness.vault, policies: harness.policies, logger: harness.logger)
                .run(tenantID: harness.tenantID, jobID: nil, now: Date())
            #expect(report.garbage.leftoverFilesRemoved == 1)
            #expect(!FileManager.default.fileExists(atPath: stale.path))
            #expect(FileManager.default.fileExists(atPath: fresh.path))
            let mode = try FileManager.default.attributesOfItem(atPath: staging.path)[.posixPermissions] as? Int
            #expect(mode == 0o700)
            #expect(report.deleted.map(\.snapshotID) == Array(ids.prefix(6)))
            #expect(report.garbage.blobsDeleted > 0 && report.garbage.bytesFreed > 0)
            let after = try await harness.storedBlobs()
            #expect(after == (try await harness.referencedBlobs()))
            #expect(before.count - after.count == report.garbage.blobsDeleted)
            for id in ids.suffix(2) {
                #expect(try await harness.contents(id) == contents[id])
                #expect(try await harness.vault.verify(snapshotID: id).passed)
            }
        }
    }

    @Test func aTenantUnderLegalHoldLosesNothing() async throws {
        try await VaultHarness.run { harness in
            let ids = try await Self.sixOldSnapshotsUnderKeepLastOne(harness)
            try await harness.policies.holdTenant(harness.tenantID, reason: "eDiscovery 7", actor: "test")
            let report = try await RetentionRun(vault: harness.vault, policies: harness.policies, logger: harness.logger)
                .run(tenantID: harness.tenantID, jobID: nil, now: Date())
            #expect(report.deleted.isEmpty)
            #expect(report.protected.count == 5 && report.protected.allSatisfy { $0.reason == .legalHold })
            #expect(try await harness.vault.snapshots(tenantID: harness.tenantID).map(\.id).sorted() == ids.sorted())
        }
    }
}

/// The plan a progress callback stored, read back after the run.
private actor UUIDBox {
    var value: UUID?
    func set(_ value: UUID) { self.value = value }
}
