import Audit
import Foundation
import HoldfastTesting
import Postgres
import Tenancy
import Testing

@Suite("Policies and legal holds")
struct PolicyStoreTests {
    static func schedule(_ client: PostgresClient, _ tenant: UUID) async throws -> [String: String?] {
        let row = try #require(try await client.query("""
            SELECT backup_interval::text AS b, retention_interval::text AS r, validation_interval::text AS v,
                   preferred_window_start::text AS ws, preferred_window_length::text AS wl,
                   next_backup_at::text AS nb, next_validation_at::text AS nv
            FROM tenants WHERE id = \(tenant)
            """).first)
        return ["backup": row["b"], "retention": row["r"], "validation": row["v"], "window_start": row["ws"], "window_length": row["wl"],
                "next_backup": row["nb"], "next_validation": row["nv"]]
    }

    @Test func createUpdateAndAssignAreAuditedAndDriveTheTenantsSchedule() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let store = PolicyStore(client: schema.client, logger: fixture.logger)
            let tenant = try await fixture.addTenant("contoso")
            var settings = PolicySettings()
            settings.backupInterval = 6 * 3600
            settings.windowStart = "01:00"
            settings.windowEnd = "05:00"
            settings.timezone = "Europe/Paris"
            settings.retention = RetentionRules(last: 10, daily: 14, weekly: 8, monthly: 24, yearly: 10)
            settings.immutabilityWindow = 14 * 86_400
            let created = try await store.create(name: "gold", settings: settings, actor: "alice")
            #expect(created.settings == settings)
            #expect(try await store.policy(named: "gold") == created)
            #expect(Set(try await store.policies().map(\.name)) == ["gold", "standard"])

            // Without a policy, a tenant is treated as having the standard one.
            #expect(try await store.policy(forTenant: tenant.id).name == "standard")
            try await schema.client.query("UPDATE tenants SET next_backup_at = now() + interval '1 hour' WHERE id = \(tenant.id)")
            _ = try await store.assign(policyName: "gold", tenantID: tenant.id, actor: "alice")
            #expect(try await store.policy(forTenant: tenant.id).name == "gold")
            var schedule = try await Self.schedule(schema.client, tenant.id)
            #expect(schedule["backup"] == "06:00:00")
            #expect(schedule["next_backup"] == .some(nil))  // rescheduled under the new interval
            // 01:00 in Paris is 00:00 or 23:00 UTC depending on daylight saving time.
            #expect(["00:00:00", "23:00:00"].contains(schedule["window_start"] ?? nil))
            #expect(schedule["window_length"] == "04:00:00")

            var changes = PolicyChanges()
            changes.validationInterval = 86_400
            changes.keepDaily = 30
            let updated = try await store.update(name: "gold", changes: changes, actor: "bob")
            #expect(updated.retention.daily == 30 && updated.validationInterval == 86_400 && updated.backupInterval == 6 * 3600)
            schedule = try await Self.schedule(schema.client, tenant.id)
            #expect(schedule["validation"] == "24:00:00")

            // Assignment is a change of the tenant, audited as the HTTP API documents it (`tenant.policy`).
            let audit = try await AuditLog.entries(limit: 10, client: schema.client).filter { $0.action.hasPrefix("policy.") || $0.action == "tenant.policy" }
            #expect(audit.map(\.action) == ["policy.update", "tenant.policy", "policy.create"])
            #expect(audit[0].details["policy_id"] == created.id.uuidString.lowercased())
            #expect(audit[0].actor == "bob")
            #expect(audit[0].details["keep_daily"] == "14 -> 30")
            #expect(audit[0].details["validation_interval"] == "604800s -> 86400s")
            #expect(audit[0].details["backup_interval"] == nil)  // unchanged settings are not listed
            #expect(audit[1].tenantID == tenant.id && audit[1].details["previous"] == "none" && audit[1].details["policy"] == "gold")

            // The same by id (the HTTP API's routes), and a page of policies by name.
            #expect(try await store.policy(id: created.id) == updated)
            var yearly = PolicyChanges()
            yearly.keepYearly = 3
            #expect(try await store.update(id: created.id, changes: yearly, actor: "bob").retention.yearly == 3)
            #expect(try await store.assign(policyID: created.id, tenantID: tenant.id, actor: "bob").name == "gold")
            await #expect(throws: PolicyError(.policyNotFound, "")) { _ = try await store.policy(id: UUID()) }
            await #expect(throws: PolicyError(.policyNotFound, "")) {
                _ = try await store.assign(policyID: UUID(), tenantID: tenant.id, actor: "bob")
            }
            #expect(try await store.policies(offset: 1, limit: 1).map(\.name) == ["standard"])
        }
    }

    @Test func invalidSettingsAreRefusedWithTheSettingNamed() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let store = PolicyStore(client: schema.client, logger: TestLogger.make())
            func refused(_ change: (inout PolicySettings) -> Void, mentioning text: String) async {
                var settings = PolicySettings()
                change(&settings)
                do {
                    _ = try await store.create(name: "bad", settings: settings, actor: "test")
                    Issue.record("accepted a policy that should mention \(text)")
                } catch let error as PolicyError {
                    #expect(error.code == .invalidPolicy)
                    #expect(error.message.contains(text), "\(error.message)")
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
            await refused({ $0.retention.last = 0 }, mentioning: "keep-last")
            await refused({ $0.retention.weekly = -1 }, mentioning: "keep-weekly")
            await refused({ $0.backupInterval = 10 }, mentioning: "backup interval")
            await refused({ $0.timezone = "Mars/Olympus" }, mentioning: "Mars/Olympus")
            await refused({ $0.windowStart = "25:00"; $0.windowEnd = "02:00" }, mentioning: "25:00")
            await refused({ $0.windowStart = "01:00" }, mentioning: "both")
            await refused({ $0.immutabilityWindow = -5 }, mentioning: "immutability")
            await #expect(throws: PolicyError(.invalidPolicy, "")) {
                _ = try await store.create(name: "no spaces please", settings: PolicySettings(), actor: "test")
            }
            await #expect(throws: PolicyError(.duplicatePolicy, "")) {
                _ = try await store.create(name: "standard", settings: PolicySettings(), actor: "test")
            }
            await #expect(throws: PolicyError(.policyNotFound, "")) {
                _ = try await store.assign(policyName: "nope", tenantID: UUID(), actor: "test")
            }
            await #expect(throws: PolicyError(.tenantNotFound, "")) {
                _ = try await store.assign(policyName: "standard", tenantID: UUID(), actor: "test")
            }
            let audit = try await AuditLog.entries(client: schema.client)
            #expect(audit.isEmpty)
        }
    }

    @Test func tenantLegalHoldNeedsAReasonAndIsAudited() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let store = PolicyStore(client: schema.client, logger: fixture.logger)
            let tenant = try await fixture.addTenant("contoso")
            await #expect(throws: PolicyError(.reasonRequired, "")) { try await store.holdTenant(tenant.id, reason: "  ", actor: "alice") }
            try await store.holdTenant(tenant.id, reason: "case 2026-114", actor: "alice")
            #expect(try await store.legalHold(tenantID: tenant.id) == (true, "case 2026-114"))
            try await store.releaseTenant(tenant.id, actor: "carol")
            #expect(try await store.legalHold(tenantID: tenant.id) == (false, nil))
            let audit = try await AuditLog.entries(tenantID: tenant.id, client: schema.client).filter { $0.action.hasPrefix("tenant.legal_hold") }
            #expect(audit.map(\.action) == ["tenant.legal_hold_release", "tenant.legal_hold"])
            #expect(audit[0].actor == "carol" && audit[0].details["released_reason"] == "case 2026-114")
        }
    }
}

/// The window the vault's S3 store locks blobs for: the one the database's deletion guards use.
@Suite("Policy immutability window for the vault")
struct PolicyImmutabilityWindowProviderTests {
    @Test("a tenant gets its policy's window, and one without a policy the standard policy's, as the database guard does")
    func windowFollowsThePolicy() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let store = PolicyStore(client: schema.client, logger: fixture.logger)
            let provider = PolicyImmutabilityWindowProvider(client: schema.client)
            let assigned = try await fixture.addTenant("contoso")
            let unassigned = try await fixture.addTenant("fabrikam")
            try await schema.client.query("UPDATE tenants SET policy_id = NULL WHERE id = \(unassigned.id)")
            #expect(try await provider.immutabilityWindow(tenantID: unassigned.id) == 0)

            var settings = PolicySettings()
            settings.immutabilityWindow = 14 * 86_400
            _ = try await store.create(name: "gold", settings: settings, actor: "alice")
            _ = try await store.assign(policyName: "gold", tenantID: assigned.id, actor: "alice")
            #expect(try await provider.immutabilityWindow(tenantID: assigned.id) == 14 * 86_400)

            var standard = PolicyChanges()
            standard.immutabilityWindow = 3 * 86_400
            _ = try await store.update(name: "standard", changes: standard, actor: "alice")
            #expect(try await provider.immutabilityWindow(tenantID: unassigned.id) == 3 * 86_400)
            #expect(try await provider.immutabilityWindow(tenantID: assigned.id) == 14 * 86_400)
        }
    }
}
