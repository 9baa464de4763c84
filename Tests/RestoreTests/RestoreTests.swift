import Foundation
import Graph
import GraphSim
import Jobs
import Postgres
import Restore
import Testing
import Vault

// One graph-sim with three tenants per test, restores paced by graph-sim's write and conditional
// access limits: serialized, to keep the shared cores for other suites.
@Suite("Restore against graph-sim incidents", .serialized)
struct RestoreTests {
    @Test func massDeletionIsRestoredWithEveryReferenceRemapped() async throws {
        try await RestoreHarness.run { harness in
            let before = try await harness.backup("contoso")
            let sim = harness.simulator
            let softUsers = try sim.apply(.deleteUsers(count: 4), tenant: "contoso")
            let hardUsers = try sim.apply(.hardDeleteUsers(count: 3), tenant: "contoso")
            let security = try sim.apply(.deleteGroups(count: 2, kind: .security), tenant: "contoso")
            let unified = try sim.apply(.deleteGroups(count: 2, kind: .unified), tenant: "contoso")
            _ = try sim.apply(.purgeDeletedItems(types: ["group"]), tenant: "contoso")
            let apps = try sim.apply(.deleteApplications(count: 1), tenant: "contoso")
            _ = try sim.apply(.purgeDeletedItems(types: ["application", "servicePrincipal"]), tenant: "contoso")
            let policies = try sim.apply(.deleteConditionalAccessPolicies(count: 2), tenant: "contoso")
            #expect(softUsers.affectedIds.count == 4 && hardUsers.affectedIds.count == 3 && security.affectedIds.count == 2
                    && unified.affectedIds.count == 2 && apps.affectedIds.count == 1 && policies.affectedIds.count == 2)

            let target = try harness.session("contoso")
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: target, scope: .wholeTenant, actor: "test")
            let actions = Dictionary(grouping: plan.steps, by: \.action)
            // Soft-deleted users and CA policies come back from the recycle bin with their ids.
            let undeleted = Set((actions[.undelete] ?? []).map(\.sourceKey))
            #expect(undeleted.isSuperset(of: softUsers.affectedIds + policies.affectedIds))
            // Purged objects are recreated, except mail-enabled security groups (the incident may pick
            // one): only Exchange creates those, so the plan tells the operator and plans no write
            // that touches them (their memberships included).
            let sourceGroups = try await harness.sourceObjects(before, types: ["group"])["group"]
            let exchangeOnly = Set(security.affectedIds.filter { sourceGroups[$0]?["mailEnabled"] == .bool(true) })
            let recreatable = hardUsers.affectedIds + security.affectedIds.filter { !exchangeOnly.contains($0) } + apps.affectedIds
            let created = Set((actions[.create] ?? []).map(\.sourceKey))
            #expect(created.isSuperset(of: recreatable + unified.affectedIds))
            for id in exchangeOnly {
                #expect(plan.operatorActions.contains { $0.objectID == id && $0.action.contains("Exchange") })
                #expect(!plan.steps.contains { $0.sourceKey.split(separator: "/").contains(Substring(id)) })
            }
            #expect(plan.lockoutFindings.isEmpty)

            let outcome = try await harness.executor().apply(planID: plan.id, target: target, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")
            #expect(outcome.plan.status == .applied)
            for id in recreatable {
                let newID = try #require(outcome.map.ids[id], "no new id for \(id)")
                #expect(newID != id)
            }
            #expect(outcome.temporaryPasswords.count == hardUsers.affectedIds.count)

            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before), target: target)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }

    @Test func attackerChangesAreDiffedAndRolledBackAlone() async throws {
        try await RestoreHarness.run { harness in
            let before = try await harness.backup("contoso")
            let sim = harness.simulator
            let weakened = try sim.apply(.weakenConditionalAccessPolicies(count: 1), tenant: "contoso",
                                         actor: .user(id: "6d1f1c9e-0000-4000-8000-000000000001", displayName: "Mallory",
                                                      userPrincipalName: "mallory@contoso.com"))
            let removed = try sim.apply(.removeRoleAssignments(count: 1), tenant: "contoso")
            let after = try await harness.backup("contoso")
            #expect(after.status == .complete, "missing: \(after.missingTypes)")
            let policyID = try #require(weakened.affectedIds.first)
            let assignmentID = try #require(removed.affectedIds.first)

            let differ = ChangeDiffer(vault: harness.vault, logger: harness.logger)
            let changes = try await differ.diff(tenantID: try harness.tenantID("contoso"), from: before.id, to: after.id)
            let policyChange = try #require(changes.changes.first { $0.type == "conditionalAccessPolicy" })
            #expect(policyChange.key == policyID && policyChange.kind == .changed)
            #expect(policyChange.attributes.contains { $0.path == "state" && $0.after == .string("enabledForReportingButNotEnforced") })
            let assignmentChange = try #require(changes.changes.first { $0.type == "roleAssignment" })
            #expect(assignmentChange.key == assignmentID && assignmentChange.kind == .removed)
            // Nothing else changed but the activated role's member list and PIM's view (the permanent
            // schedule and instance Graph shows for every direct assignment), which mirror the assignment.
            #expect(Set(changes.changes.map(\.type)).isSubset(of: ["conditionalAccessPolicy", "roleAssignment", "directoryRole.members",
                                                                  "roleAssignmentSchedule", "roleAssignmentScheduleInstance"]))
            #expect(changes.changes.filter { $0.type == "conditionalAccessPolicy" || $0.type == "roleAssignment" }.count == 2)

            // Who did it, from the directory audit log.
            let target = try harness.session("contoso")
            let annotated = try await DirectoryAuditAnnotator(session: target, logger: harness.logger)
                .annotate(changes, since: before.committedAt.addingTimeInterval(-60))
            #expect(annotated.changes.first { $0.type == "conditionalAccessPolicy" }?.actors.contains { $0.name == "mallory@contoso.com" } == true)
            #expect(annotated.renderText().contains("mallory@contoso.com"))
            #expect(try annotated.renderJSON().contains("\"kind\" : \"changed\""))

            // Against live, the same two changes (reversed sides).
            let live = try await differ.diff(tenantID: try harness.tenantID("contoso"), from: before.id, live: target,
                                             types: ["conditionalAccessPolicy", "roleAssignment"])
            #expect(Set(live.changes.map(\.key)) == [policyID, assignmentID])

            let scope = RestoreScope(types: ["conditionalAccessPolicy", "roleAssignment"], ids: [policyID, assignmentID])
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: target, scope: scope, actor: "test")
            #expect(plan.steps.count == 2, "\(plan.steps.map { "\($0.action) \($0.type) \($0.sourceKey)" })")
            #expect(plan.steps.contains { $0.action == .patch && $0.sourceKey == policyID && $0.before != nil })
            let outcome = try await harness.executor().apply(planID: plan.id, target: target, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { $0.detail ?? "" })")
            let restored = try await differ.diff(tenantID: try harness.tenantID("contoso"), from: before.id, live: target,
                                                 types: ["conditionalAccessPolicy", "roleAssignment"])
            // Only the assignment shows, when Graph gave the recreated one a new id (unit-scoped ones
            // get a random suffix): removed under its old id, added with the same principal, role and scope.
            #expect(restored.changes.allSatisfy { $0.type == "roleAssignment" }, "\(restored.renderText())")
            let content = { (change: ObjectChange) in ["principalId", "roleDefinitionId", "directoryScopeId"].map { change.details[$0] } }
            #expect(restored.changes.filter { $0.kind == .removed }.map(\.key).allSatisfy { $0 == assignmentID })
            #expect(restored.changes.filter { $0.kind == .removed }.map(content) == restored.changes.filter { $0.kind == .added }.map(content))
            #expect(restored.changes.count <= 2)
            let audit = try await AuditEntries.actions(harness.schema.client)
            #expect(audit.contains("restore.plan") && audit.contains("restore.apply"))
        }
    }

    @Test func aRestoreKilledMidwayAndRetriedCreatesNothingTwice() async throws {
        try await RestoreHarness.run { harness in
            let before = try await harness.backup("contoso")
            let hard = try harness.simulator.apply(.hardDeleteUsers(count: 6), tenant: "contoso")
            let target = try harness.session("contoso")
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: target, scope: RestoreScope(types: ["user"], onlyMissing: true),
                                                        actor: "test")
            #expect(plan.steps.filter { $0.action == .create }.count == 6)
            let log = try #require(harness.simulator.tenant(named: "contoso")).requestLog
            let mark = log.records(after: 0).last?.sequence ?? 0

            struct Crash: Error {}
            // The worst moment: Graph created the users, the answers are lost before being recorded.
            let (job, _) = try await harness.claimedJob(.restore, tenantID: try harness.tenantID("contoso"))
            let first = try #require(job.claim)
            await #expect(throws: Crash.self) {
                _ = try await harness.executor(afterBatch: { _ in throw Crash() }).apply(planID: plan.id, target: target, actor: "test",
                                                                                         claim: first)
            }
            let interrupted = try await harness.store.plan(id: plan.id)
            #expect(interrupted.steps.filter { $0.status == .inFlight }.count == 6)
            // Nobody else may begin it while the job that is applying it may still run.
            await #expect(throws: RestoreError(.invalidState, "")) {
                _ = try await harness.executor().apply(planID: plan.id, target: target, actor: "test")
            }

            // The job's next attempt resumes it; the attempt that lost the job cannot begin it again.
            let retry = try await harness.takeOver(first)
            await #expect(throws: RestoreError(.claimLost, "")) {
                _ = try await harness.executor().apply(planID: plan.id, target: target, actor: "test", claim: first)
            }
            let outcome = try await harness.executor().apply(planID: plan.id, target: target, actor: "test", claim: retry)
            #expect(outcome.failedSteps.isEmpty)
            #expect(outcome.plan.steps.filter { $0.action == .create }.allSatisfy { $0.status == .done })
            let creates = log.records(after: mark).filter { $0.method == "POST" && $0.path.hasSuffix("/users") && $0.status == 201 }
            #expect(creates.count == 6, "users were created \(creates.count) times")
            for id in hard.affectedIds { #expect(outcome.map.ids[id] != nil) }
            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: ["user"]), target: target)
            #expect(differences.filter { $0.type == "user" }.isEmpty, "\(differences.prefix(10))")
        }
    }

    @Test func blastRadiusGuardStopsAWholeTenantRestoreIntoTheWrongTenant() async throws {
        try await RestoreHarness.run { harness in
            let snapshot = try await harness.backup("contoso")
            let wrong = try harness.session("fabrikam")
            let plan = try await harness.planner(blastRadiusLimit: 10).plan(
                snapshotID: snapshot.id, targetTenantID: try harness.tenantID("fabrikam"), target: wrong, scope: .wholeTenant, actor: "test")
            #expect(plan.exceedsBlastRadius, "destructive: \(plan.destructiveCount)")
            let log = try #require(harness.simulator.tenant(named: "fabrikam")).requestLog
            let mark = log.records(after: 0).last?.sequence ?? 0
            await #expect(throws: RestoreError(.blastRadiusExceeded, "")) {
                _ = try await harness.executor().apply(planID: plan.id, target: wrong, actor: "test")
            }
            #expect(log.records(after: mark).allSatisfy { $0.method == "GET" }, "the refused plan wrote to the wrong tenant")
            #expect(try await harness.store.plan(id: plan.id).status == .planned)
        }
    }

    @Test func crossTenantRestoreIntoAnEmptyScratchTenantReproducesTheSource() async throws {
        try await RestoreHarness.run { harness in
            let snapshot = try await harness.backup("contoso")
            let drill = RestoreDrill(vault: harness.vault, store: harness.store, logger: harness.logger)
            let result = try await drill.run(snapshotID: snapshot.id, scratchTenantID: try harness.tenantID("scratch"),
                                             scratch: try harness.session("scratch"))
            #expect(result.passed, "\(result.differences.prefix(30))")
            #expect(result.objectsRestored > 50)
            #expect(result.restoreSeconds > 0)
        }
    }
}

enum AuditEntries {
    static func actions(_ client: PostgresClient) async throws -> Set<String> {
        Set(try await client.query("SELECT action FROM audit_log").map { try $0.decode(String.self, "action") })
    }
}
