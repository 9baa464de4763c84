import Foundation
import Graph
import GraphSim
import Postgres
import Restore
import Testing
import Vault

@Suite("Restore guards and change alerts", .serialized)
struct GuardAndAlertTests {
    @Test func restoringAPolicyThatBlocksEveryAdministratorNeedsConfirmation() async throws {
        try await RestoreHarness.run { harness in
            let target = try harness.session("contoso")
            // A policy that blocks everyone, with no break-glass exclusion.
            let page = try CanonicalJSON.parse(try await target.send(.get("/identity/conditionalAccess/policies")).body)
            let policy = try #require(page["value"]?.arrayValue?.first { $0["state"]?.stringValue == "enabled" })
            let policyID = try #require(policy["id"]?.stringValue)
            let body = #"{"state":"enabled","grantControls":{"operator":"OR","builtInControls":["block"]},"conditions":{"users":{"includeUsers":["All"],"excludeUsers":[],"includeGroups":[],"excludeGroups":[],"includeRoles":[],"excludeRoles":[]},"applications":{"includeApplications":["All"]},"clientAppTypes":["all"]}}"#
            try await Task.sleep(for: .seconds(1.1))
            _ = try await target.send(GraphRequest(method: "PATCH", path: "/identity/conditionalAccess/policies/\(policyID)",
                                                   headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
            try await Task.sleep(for: .seconds(1.1))  // conditional access: one request per second
            let snapshot = try await harness.backup("contoso")
            _ = try harness.simulator.apply(.deleteConditionalAccessPolicies(count: 1, ids: [policyID]), tenant: "contoso")
            _ = try harness.simulator.apply(.purgeDeletedItems(types: ["conditionalAccessPolicy"]), tenant: "contoso")

            let plan = try await harness.planner().plan(
                snapshotID: snapshot.id, targetTenantID: try harness.tenantID("contoso"), target: target,
                scope: RestoreScope(types: ["conditionalAccessPolicy"], ids: [policyID]), actor: "test")
            #expect(plan.lockoutFindings.map(\.policyID) == [policyID])
            await #expect(throws: RestoreError(.lockoutRisk, "")) {
                _ = try await harness.executor().apply(planID: plan.id, target: target, actor: "test")
            }
            let outcome = try await harness.executor().apply(planID: plan.id, target: target, actor: "test", confirmLockout: true)
            #expect(outcome.failedSteps.isEmpty && outcome.plan.status == .applied, "\(outcome.failedSteps.map { $0.detail ?? "" })")
        }
    }

    @Test func watchRulesRaiseAnAlertAndAWebhookJobOncePerSnapshot() async throws {
        try await RestoreHarness.run { harness in
            let rules = WatchRuleStore(client: harness.schema.client)
            try await rules.add(WatchRule(name: "ca-disabled", kind: .caPolicyDisabled), actor: "test")
            try await rules.add(WatchRule(name: "new-admin", tenantID: try harness.tenantID("contoso"), kind: .privilegedRoleAssigned),
                                actor: "test")
            try await rules.add(WatchRule(name: "fabrikam-only", tenantID: try harness.tenantID("fabrikam"), kind: .caPolicyChanged),
                                actor: "test")
            #expect(try await rules.rules(tenantID: try harness.tenantID("contoso")).map(\.name) == ["ca-disabled", "new-admin"])

            let first = try await harness.backup("contoso")
            let weakened = try harness.simulator.apply(.weakenConditionalAccessPolicies(count: 1), tenant: "contoso")
            let second = try await harness.backup("contoso")
            #expect(second.id > first.id)

            let evaluator = ChangeAlertEvaluator(vault: harness.vault, enqueueChecks: .unchecked, logger: harness.logger)
            let alerts = try await evaluator.evaluate(snapshot: second)
            #expect(alerts.map(\.ruleName) == ["ca-disabled"])
            #expect(alerts.first?.changes.map(\.key) == weakened.affectedIds)
            #expect(try await evaluator.evaluate(snapshot: second).isEmpty, "a second evaluation alerted again")

            let rows = try await harness.schema.client.query("""
                SELECT a.id, a.rule_id, a.payload::text AS payload, a.sealed_payload, j.kind, j.args::text AS arguments
                FROM change_alerts a JOIN jobs j ON j.id = a.webhook_job_id
                WHERE a.snapshot_id = \(second.id)
                """)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(try row.decode(String.self, "kind") == "webhook")
            // The changes are directory content: sealed in the alert row and in the job's arguments.
            let contoso = try harness.tenantID("contoso")
            let argumentsText = try row.decode(String.self, "arguments")
            let policyID = try #require(weakened.affectedIds.first)
            #expect(!argumentsText.contains(policyID) && !argumentsText.contains("changes"), "\(argumentsText)")
            #expect(try row.decode(String?.self, "payload") == nil)
            let arguments = try JSONSerialization.jsonObject(with: Data(argumentsText.utf8)) as? [String: Any]
            #expect(arguments?["event"] as? String == "change_alert")
            #expect(arguments?["tenant_id"] as? String == contoso.uuidString.lowercased())
            #expect(arguments?["payload"] == nil)
            let sealer = RecordSealer(keyProvider: harness.vault.keyProvider)
            let sealedText = try #require(arguments?["sealed_payload"] as? String)
            let sealedArguments = try #require(Data(base64Encoded: sealedText))
            let opened = try await sealer.open(Array(sealedArguments), context: ChangeAlertEvaluator.webhookContext, tenantID: contoso,
                                               logger: harness.logger)
            let payload = try JSONSerialization.jsonObject(with: Data(opened)) as? [String: Any]
            #expect(payload?["rule"] as? String == "ca-disabled")
            #expect((payload?["changes"] as? [Any])?.count == 1)
            #expect(String(decoding: opened, as: UTF8.self).contains(policyID))
            // The alert row's copy opens only as that alert's (rule and snapshot), and only for its tenant.
            let stored = try row.decode(PostgresBytes.self, "sealed_payload").bytes
            let context = ChangeAlertEvaluator.alertContext(ruleID: try row.decode(UUID.self, "rule_id"), snapshotID: second.id)
            #expect(try await sealer.open(stored, context: context, tenantID: contoso, logger: harness.logger) == opened)
            await #expect(throws: VaultError.self) {
                _ = try await sealer.open(stored, context: ChangeAlertEvaluator.alertContext(ruleID: UUID(), snapshotID: second.id),
                                          tenantID: contoso, logger: harness.logger)
            }

            #expect(try await rules.remove(name: "ca-disabled", actor: "test"))
            #expect(try await !rules.remove(name: "ca-disabled", actor: "test"))
        }
    }

    @Test func aPlannedRestoreHoldsItsSnapshotUntilItIsDiscarded() async throws {
        try await RestoreHarness.run { harness in
            let source = try await harness.backup("contoso")
            _ = try await harness.backup("contoso")
            let plan = try await harness.planner().plan(
                snapshotID: source.id, targetTenantID: try harness.tenantID("contoso"), target: try harness.session("contoso"),
                scope: RestoreScope(types: ["user"], onlyMissing: true), actor: "test")

            let refusal = await #expect(throws: VaultError.self) {
                _ = try await harness.vault.deleteSnapshot(id: source.id, actor: "test", reason: "test")
            }
            #expect(refusal?.code == .pendingRestore)
            #expect(refusal?.message.contains(plan.id.uuidString.lowercased()) == true)

            let store = RestoreStore(vault: harness.vault)
            await #expect(throws: RestoreError(.invalidRequest, "")) {
                try await store.discard(planID: plan.id, reason: "  ", actor: "test")
            }
            try await store.discard(planID: plan.id, reason: "ticket 512: not needed", actor: "operator")
            let discarded = try await store.plan(id: plan.id)
            #expect(discarded.status == .failed)
            #expect(discarded.error == "discarded by operator: ticket 512: not needed")
            await #expect(throws: RestoreError(.invalidState, "")) {
                try await store.discard(planID: plan.id, reason: "again", actor: "operator")
            }
            await #expect(throws: RestoreError(.notFound, "")) {
                try await store.discard(planID: UUID(), reason: "none", actor: "operator")
            }
            let audited = try await harness.schema.client.query("""
                SELECT count(*) AS n FROM audit_log WHERE action = 'restore.discard' AND details->>'plan.id' = \(plan.id.uuidString.lowercased())
                """).first!.decode(Int.self, "n")
            #expect(audited == 1)

            // Settled, the plan no longer holds the snapshot, and outlives it as evidence.
            _ = try await harness.vault.deleteSnapshot(id: source.id, actor: "test", reason: "test")
            #expect(try await store.plan(id: plan.id).snapshotID == source.id)
        }
    }
}
