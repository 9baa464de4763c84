import Foundation
import Graph
import GraphSim
import Jobs
import Postgres
import Queue
import Restore
import Tenancy
import Testing
import Vault
import Worker

/// F6 and F11 (docs/security.md): restores outside the queue, stale plans, and targets a restore
/// must not write into. Each test first shows the attack, then that it is refused.
@Suite("Restore apply guards", .serialized)
struct RestoreApplyGuardTests {
    /// A plan recreating two hard-deleted users of contoso.
    func usersPlan(_ harness: RestoreHarness) async throws -> RestorePlan {
        let before = try await harness.backup("contoso")
        _ = try harness.simulator.apply(.hardDeleteUsers(count: 2), tenant: "contoso")
        return try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                target: try harness.session("contoso"), scope: RestoreScope(types: ["user"], onlyMissing: true),
                                                actor: "test")
    }

    /// What `holdfast restore apply PLAN` runs: the restore as a job of the queue held by this process.
    func foregroundApply(_ harness: RestoreHarness, _ plan: RestorePlan) async throws -> RestoreExecutor.Outcome {
        let session = try harness.session("contoso")
        let request = EnqueueRequest(kind: .restore, tenantID: plan.targetTenantID, arguments: #"{"planId":"\#(plan.id.uuidString)"}"#,
                                     maxAttempts: 1, uniqueKey: "restore:\(plan.id.uuidString.lowercased())")
        return try await ForegroundJob(client: harness.schema.client, logger: harness.logger).run(request) { context in
            try await harness.executor().apply(planID: plan.id, target: session, actor: "cli", claim: context.claim,
                                               leaseIsCurrent: { context.leaseIsCurrent })
        }
    }

    @Test func aForegroundApplyTakesTheTenantsExclusivityAndAnApplyingPlanIsNotBegunTwice() async throws {
        try await RestoreHarness.run { harness in
            let plan = try await self.usersPlan(harness)
            let contoso = try harness.tenantID("contoso")
            // A worker holds a restore job of the tenant (the queued apply of the same plan).
            let (queued, _) = try await harness.claimedJob(.restore, tenantID: contoso,
                                                           arguments: #"{"planId":"\#(plan.id.uuidString)"}"#)
            await #expect { _ = try await self.foregroundApply(harness, plan) } throws: { ($0 as? QueueError)?.code == .tenantBusy }
            // A backup of the tenant running counts the same.
            try await harness.finish(queued)
            let (backup, _) = try await harness.claimedJob(.backup, tenantID: contoso)
            await #expect { _ = try await self.foregroundApply(harness, plan) } throws: { ($0 as? QueueError)?.code == .tenantBusy }
            try await harness.finish(backup)
            #expect(try await harness.store.plan(id: plan.id).status == .planned, "nothing began")

            // A plan being applied by a job that may still run cannot be begun by anyone else.
            let (applying, _) = try await harness.claimedJob(.restore, tenantID: contoso)
            struct Stop: Error {}
            await #expect(throws: Stop.self) {
                _ = try await harness.executor(afterBatch: { _ in throw Stop() }).apply(
                    planID: plan.id, target: try harness.session("contoso"), actor: "test", claim: try #require(applying.claim))
            }
            #expect(try await harness.store.plan(id: plan.id).status == .applying)
            await #expect(throws: RestoreError(.invalidState, "")) {
                _ = try await harness.executor().apply(planID: plan.id, target: try harness.session("contoso"), actor: "test")
            }
            // Once that job has ended, the foreground apply resumes the plan; nothing is created twice.
            _ = try await JobCompleter(client: harness.schema.client, logger: harness.logger)
                .fail(try #require(applying.claim), error: "stopped", permanent: true, retryPolicy: RetryPolicy())
            let outcome = try await self.foregroundApply(harness, plan)
            #expect(outcome.plan.status == .applied && outcome.failedSteps.isEmpty)
            let log = try #require(harness.simulator.tenant(named: "contoso")).requestLog
            #expect(log.records().filter { $0.method == "POST" && $0.path.hasSuffix("/users") && $0.status == 201 }.count == 2)
            let job = try await harness.schema.client.query("""
                SELECT id FROM jobs WHERE kind = 'restore' AND args->>'planId' = \(plan.id.uuidString) AND state = 'completed'
                  AND max_attempts = 1
                """)
            #expect(job.count == 1, "the foreground apply ran as a job of the queue")
        }
    }

    @Test func expiredAndDiscardedPlansAreRefusedWithAClearMessage() async throws {
        try await RestoreHarness.run { harness in
            let plan = try await self.usersPlan(harness)
            let target = try harness.session("contoso")
            #expect(plan.expiresAt > plan.createdAt.addingTimeInterval(23 * 3600), "the default lifetime is 24 hours")
            try await harness.schema.client.query("UPDATE restore_plans SET expires_at = now() - interval '1 minute' WHERE id = \(plan.id)")
            await #expect { _ = try await harness.executor().apply(planID: plan.id, target: target, actor: "test") } throws: {
                guard let error = $0 as? RestoreError else { return false }
                return error.code == .expired && error.message.contains("plan again")
            }
            // The lifetime is configurable.
            let short = try await RestorePlanner(vault: harness.vault, store: harness.store,
                                                 configuration: RestoreConfiguration(planLifetime: .seconds(600)), logger: harness.logger)
                .plan(snapshotID: plan.snapshotID, targetTenantID: plan.targetTenantID, target: target,
                      scope: RestoreScope(types: ["user"], onlyMissing: true), actor: "test")
            #expect(abs(short.expiresAt.timeIntervalSince(short.createdAt) - 600) < 5)

            try await harness.store.discard(planID: short.id, reason: "CHG-1 not needed", actor: "test")
            await #expect { _ = try await harness.executor().apply(planID: short.id, target: target, actor: "test") } throws: {
                ($0 as? RestoreError).map { $0.code == .invalidState && $0.message.contains("discarded") } ?? false
            }
            // Nothing was written.
            let log = try #require(harness.simulator.tenant(named: "contoso")).requestLog
            #expect(!log.records().contains { $0.method == "POST" && $0.path.hasSuffix("/users") })
        }
    }

    @Test func restoresIntoSuspendedOffboardedOrAnotherPartnersTenantsAreRefused() async throws {
        try await RestoreHarness.run { harness in
            let plan = try await self.usersPlan(harness)
            let target = try harness.session("contoso")
            let registry = TenantRegistry(client: harness.schema.client, logger: harness.logger)
            for status in [TenantStatus.suspended, .offboarded] {
                try await registry.setStatus(status, reason: "test", tenantID: plan.targetTenantID, actor: "test")
                await #expect { _ = try await harness.executor().apply(planID: plan.id, target: target, actor: "test") } throws: {
                    ($0 as? RestoreError).map { $0.code == .tenantRefused && $0.message.contains(status.rawValue) } ?? false
                }
            }
            try await registry.setStatus(.active, reason: "test", tenantID: plan.targetTenantID, actor: "test")

            // contoso's snapshot into fabrikam, a customer of another partner: refused; into a scratch tenant: allowed.
            try await registry.update(tenantID: try harness.tenantID("contoso"), partnerName: "Partner A", actor: "test")
            try await registry.update(tenantID: try harness.tenantID("fabrikam"), partnerName: "Partner B", actor: "test")
            let fabrikam = try harness.session("fabrikam")
            let foreign = try await harness.planner().plan(snapshotID: plan.snapshotID, targetTenantID: try harness.tenantID("fabrikam"),
                                                           target: fabrikam, scope: RestoreScope(types: ["group"]), actor: "test")
            let log = try #require(harness.simulator.tenant(named: "fabrikam")).requestLog
            let mark = log.totalCount
            await #expect { _ = try await harness.executor().apply(planID: foreign.id, target: fabrikam, actor: "test",
                                                                   confirmBlastRadius: true) } throws: {
                ($0 as? RestoreError).map { $0.code == .tenantRefused && $0.message.contains("another partner") } ?? false
            }
            #expect(log.records(after: mark).allSatisfy { $0.method == "GET" }, "the refused plan wrote to another partner's tenant")
            try await registry.setScratch(true, tenantID: try harness.tenantID("fabrikam"), actor: "test")
            let outcome = try await harness.executor().apply(planID: foreign.id, target: fabrikam, actor: "test", confirmBlastRadius: true,
                                                             confirmLockout: true)
            #expect(outcome.plan.status == .applied || outcome.plan.status == .failed)
        }
    }

    @Test func theLockoutGuardIsCheckedAgainAgainstTheLiveTenantAtApply() async throws {
        try await RestoreHarness.run { harness in
            let target = try harness.session("contoso")
            let globalAdministrator = "62e90394-69f5-4237-9190-012177145e10"
            let assignments = try await LiveObjectReader(session: target).objects(types: ["roleAssignment"])["roleAssignment"]
            let holders = assignments.filter { $0.value["roleDefinitionId"]?.stringValue?.lowercased() == globalAdministrator }
                .sorted { $0.key < $1.key }
            try #require(holders.count >= 2, "the seeded tenant has several Global Administrators")
            let breakGlass = try #require(holders.first)
            let breakGlassUser = try #require(breakGlass.value["principalId"]?.stringValue)
            // A policy that blocks everyone except the break-glass Global Administrator: safe when planned.
            let page = try CanonicalJSON.parse(try await target.send(.get("/identity/conditionalAccess/policies")).body)
            let policy = try #require(page["value"]?.arrayValue?.first { $0["state"]?.stringValue == "enabled" })
            let policyID = try #require(policy["id"]?.stringValue)
            let body = #"{"state":"enabled","grantControls":{"operator":"OR","builtInControls":["block"]},"conditions":{"users":{"includeUsers":["All"],"excludeUsers":["\#(breakGlassUser)"],"includeGroups":[],"excludeGroups":[],"includeRoles":[],"excludeRoles":[]},"applications":{"includeApplications":["All"]},"clientAppTypes":["all"]}}"#
            try await Task.sleep(for: .seconds(1.1))  // conditional access: one request per second
            _ = try await target.send(GraphRequest(method: "PATCH", path: "/identity/conditionalAccess/policies/\(policyID)",
                                                   headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
            let snapshot = try await harness.backup("contoso")
            _ = try harness.simulator.apply(.deleteConditionalAccessPolicies(count: 1, ids: [policyID]), tenant: "contoso")
            _ = try harness.simulator.apply(.purgeDeletedItems(types: ["conditionalAccessPolicy"]), tenant: "contoso")
            let plan = try await harness.planner().plan(
                snapshotID: snapshot.id, targetTenantID: try harness.tenantID("contoso"), target: target,
                scope: RestoreScope(types: ["conditionalAccessPolicy"], ids: [policyID]), actor: "test")
            #expect(plan.lockoutFindings.isEmpty, "the break-glass account is excluded")

            // Between plan and apply, the break-glass account loses its role: the policy would now block every administrator.
            _ = try harness.simulator.apply(.removeRoleAssignments(count: 1, ids: [breakGlass.key]), tenant: "contoso")
            await #expect(throws: RestoreError(.lockoutRisk, "")) {
                _ = try await harness.executor().apply(planID: plan.id, target: target, actor: "test")
            }
            #expect(try await harness.store.plan(id: plan.id).status == .planned)
            let outcome = try await harness.executor().apply(planID: plan.id, target: target, actor: "test", confirmLockout: true)
            #expect(outcome.plan.status == .applied, "\(outcome.failedSteps.map { $0.detail ?? "" })")
        }
    }

    @Test func aPatchWhoseTargetChangedSincePlanningIsRefusedUntilConfirmed() async throws {
        try await RestoreHarness.run { harness in
            let target = try harness.session("contoso")
            let contoso = try harness.tenantID("contoso")
            let changed = try harness.simulator.apply(.changeAttribute(type: "user", count: 2, property: "jobTitle", value: .string("Backed up")),
                                                      tenant: "contoso")
            let snapshot = try await harness.backup("contoso")
            _ = try harness.simulator.apply(.changeAttribute(type: "user", count: 2, ids: changed.affectedIds, property: "jobTitle",
                                                             value: .string("Changed by mistake")), tenant: "contoso")
            let plan = try await harness.planner().plan(snapshotID: snapshot.id, targetTenantID: contoso, target: target,
                                                        scope: RestoreScope(types: ["user"], ids: Set(changed.affectedIds)), actor: "test")
            #expect(plan.steps.filter { $0.action == .patch }.count == 2)
            #expect(!plan.exceedsBlastRadius)

            // Between plan and apply, someone edits one of the users again: the patch would overwrite an edit nobody reviewed.
            let edited = changed.affectedIds[1]
            _ = try harness.simulator.apply(.changeAttribute(type: "user", count: 1, ids: [edited], property: "jobTitle",
                                                             value: .string("Edited after the plan")), tenant: "contoso")
            do {
                _ = try await harness.executor().apply(planID: plan.id, target: target, actor: "test")
                Issue.record("a drifted patch was applied without confirmation")
            } catch let error as RestoreError {
                #expect(error.code == .blastRadiusExceeded)
                #expect(error.message.contains("1 object(s)") && error.message.contains(edited), "\(error.message)")
            }
            #expect(try await harness.store.plan(id: plan.id).status == .planned)

            let outcome = try await harness.executor().apply(planID: plan.id, target: target, actor: "test", confirmBlastRadius: true)
            #expect(outcome.plan.status == .applied, "\(outcome.failedSteps.map { $0.detail ?? "" })")
            let users = try await LiveObjectReader(session: target).objects(types: ["user"])["user"]
            for id in changed.affectedIds {
                #expect(users[id]?["jobTitle"]?.stringValue == "Backed up")
            }
        }
    }
}
