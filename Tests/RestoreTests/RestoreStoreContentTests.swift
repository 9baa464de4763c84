import Foundation
import GraphSim
import Postgres
import Restore
import Testing
import Vault

/// Each step's objects are sealed: readers that need statuses or one page open no more than that,
/// and what they open is exactly what the planner stored.
@Suite("Restore plans read with the steps' content they need")
struct RestoreStoreContentTests {
    @Test func statusesAndPagesOpenOnlyWhatTheyNeedAndAgreeWithTheWholePlan() async throws {
        try await RestoreHarness.run(tenants: [TenantSpecification(name: "contoso", profile: .small, seed: 21)]) { harness in
            let before = try await harness.backup("contoso")
            _ = try harness.simulator.apply(.deleteGroups(count: 3, kind: .security), tenant: "contoso")
            _ = try harness.simulator.apply(.purgeDeletedItems(types: ["group"]), tenant: "contoso")
            _ = try harness.simulator.apply(.deleteUsers(count: 2), tenant: "contoso")
            let target = try harness.session("contoso")
            let planned = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                           target: target, scope: RestoreScope(types: ["group", "user"]), actor: "test")
            try #require(planned.steps.count >= 4)
            let whole = try await harness.store.plan(id: planned.id)
            #expect(whole.steps.map(\.after) == planned.steps.map(\.after))
            #expect(whole.steps.map(\.naturalKey) == planned.steps.map(\.naturalKey))

            let bare = try await harness.store.plan(id: planned.id, content: .none)
            #expect(bare.steps.map(\.seq) == whole.steps.map(\.seq))
            #expect(bare.steps.map(\.action) == whole.steps.map(\.action) && bare.counts == whole.counts)
            #expect(bare.steps.allSatisfy { $0.after == nil && $0.before == nil && $0.naturalKey == nil })

            let window = try await harness.store.plan(id: planned.id, content: .window(offset: 1, count: 2))
            for (index, step) in window.steps.enumerated() {
                if index == 1 || index == 2 {
                    #expect(step.after == whole.steps[index].after && step.naturalKey == whole.steps[index].naturalKey)
                    #expect(step.after != nil || step.before != nil || step.naturalKey != nil, "step \(step.seq) opened nothing")
                } else {
                    #expect(step.after == nil && step.before == nil && step.naturalKey == nil, "step \(step.seq) was opened")
                }
            }
            // A window past the end opens nothing and loses no step.
            let past = try await harness.store.plan(id: planned.id, content: .window(offset: whole.steps.count, count: 5))
            #expect(past.steps.count == whole.steps.count && past.steps.allSatisfy { $0.after == nil })

            // After an apply, a refresh has the statuses a whole read has, over the objects already opened.
            let outcome = try await harness.executor().apply(planID: planned.id, target: target, actor: "test")
            let reread = try await harness.store.plan(id: planned.id)
            #expect(outcome.plan.status == reread.status && outcome.plan.status == .applied)
            #expect(outcome.plan.steps.map(\.status) == reread.steps.map(\.status))
            #expect(outcome.plan.steps.map(\.targetID) == reread.steps.map(\.targetID))
            #expect(outcome.plan.steps.map(\.after) == reread.steps.map(\.after))
            let refreshed = try await harness.store.refreshed(bare)
            #expect(refreshed.steps.map(\.status) == reread.steps.map(\.status) && refreshed.appliedAt == reread.appliedAt)
        }
    }

    @Test func rowsFromBeforeSealingAreSealedOnceAndReadTheSame() async throws {
        try await RestoreHarness.run(tenants: [TenantSpecification(name: "contoso", profile: .small, seed: 22)]) { harness in
            let client = harness.schema.client
            let contoso = try harness.tenantID("contoso")
            let first = try await harness.backup("contoso")
            _ = try harness.simulator.apply(.deleteGroups(count: 2, kind: .security), tenant: "contoso")
            _ = try harness.simulator.apply(.purgeDeletedItems(types: ["group"]), tenant: "contoso")
            let planned = try await harness.planner().plan(snapshotID: first.id, targetTenantID: contoso, target: try harness.session("contoso"),
                                                           scope: RestoreScope(types: ["group"]), actor: "test")
            let whole = try await harness.store.plan(id: planned.id)
            try #require(!whole.steps.isEmpty)
            // As a plan made before migration 0024 stored them: content in the clear columns.
            for step in whole.steps {
                let after = step.after.map { String(decoding: $0.canonicalBytes(), as: UTF8.self) }
                let before = step.before.map { String(decoding: $0.canonicalBytes(), as: UTF8.self) }
                let key = try step.naturalKey.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
                try await client.query("""
                    UPDATE restore_steps SET sealed = NULL, after_json = \(after)::json, before_json = \(before)::json,
                        natural_key = \(key)::jsonb WHERE plan_id = \(planned.id) AND seq = \(step.seq)
                    """)
            }
            // And an alert with its payload in clear.
            let rules = WatchRuleStore(client: client)
            try await rules.add(WatchRule(name: "ca-disabled", kind: .caPolicyDisabled), actor: "test")
            _ = try harness.simulator.apply(.weakenConditionalAccessPolicies(count: 1), tenant: "contoso")
            let second = try await harness.backup("contoso")
            _ = try await ChangeAlertEvaluator(vault: harness.vault, enqueueChecks: .unchecked, logger: harness.logger).evaluate(snapshot: second)
            try await client.query("""
                UPDATE change_alerts SET payload = '{"rule":"ca-disabled","changes":[{"marker":"legacy-clear"}]}'::jsonb, sealed_payload = NULL
                """)
            let alert = try #require(try await client.query("SELECT rule_id, snapshot_id, payload::text AS p FROM change_alerts").first)
            let clearPayload = try alert.decode(String.self, "p")
            #expect(try await harness.store.plan(id: planned.id).steps.map(\.after) == whole.steps.map(\.after), "legacy rows are read as they are")

            let sealing = LegacyContentSealing(vault: harness.vault, batchSize: 1, logger: harness.logger)
            #expect(try await sealing.pending() == .init(restoreSteps: whole.steps.count, changeAlerts: 1))
            #expect(try await sealing.run() == .init(restoreSteps: whole.steps.count, changeAlerts: 1))
            #expect(try await sealing.pending() == .init())
            #expect(try await sealing.run() == .init(), "a second run sealed again")

            let clear = try await client.query("""
                SELECT (SELECT count(*) FROM restore_steps WHERE after_json IS NOT NULL OR before_json IS NOT NULL OR natural_key IS NOT NULL)::int AS steps,
                       (SELECT count(*) FROM change_alerts WHERE payload IS NOT NULL)::int AS alerts
                """).first
            #expect(try clear?.decode(Int.self, "steps") == 0 && clear?.decode(Int.self, "alerts") == 0)
            let reread = try await harness.store.plan(id: planned.id)
            #expect(reread.steps.map(\.after) == whole.steps.map(\.after) && reread.steps.map(\.before) == whole.steps.map(\.before))
            #expect(reread.steps.map(\.naturalKey) == whole.steps.map(\.naturalKey))
            let sealedPayload = try #require(try await client.query("SELECT sealed_payload FROM change_alerts").first?.decode(PostgresBytes.self, at: 0))
            let opened = try await RecordSealer(keyProvider: harness.vault.keyProvider).open(
                sealedPayload.bytes,
                context: ChangeAlertEvaluator.alertContext(ruleID: try alert.decode(UUID.self, "rule_id"), snapshotID: try alert.decode(Int64.self, "snapshot_id")),
                tenantID: contoso, logger: harness.logger)
            #expect(String(decoding: opened, as: UTF8.self) == clearPayload)
        }
    }
}
