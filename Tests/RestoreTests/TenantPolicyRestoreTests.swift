import Foundation
import Graph
import GraphSim
import JSON
import Restore
import Testing
import Vault

/// Tenant policies an attacker changes to gain or keep access, put back by a restore: security
/// defaults, the admin consent request policy (PUT only), a deleted custom consent policy with
/// its condition set, a changed domain federation, a deleted identity provider, a partner's
/// inbound user sync switched off and another partner's switched on.
@Suite("Tenant policy restore", .serialized)
struct TenantPolicyRestoreTests {
    static let sync = "crossTenantAccessPolicy.partners.identitySynchronization"
    static let types: Set<String> = [
        "identitySecurityDefaultsEnforcementPolicy", "adminConsentRequestPolicy", "permissionGrantPolicy", "identityProvider",
        "domain.federationConfiguration", sync,
    ]

    @Test func changedTenantPoliciesComeBackAndVerifyClean() async throws {
        // 200 users: the smallest profile graph-sim seeds as hybrid (a federated primary domain).
        try await RestoreHarness.run(tenants: [TenantSpecification(name: "contoso", profile: SeedProfile(name: "hybrid", users: 200), seed: 21)]) { harness in
            let session = try harness.session("contoso")
            func send(_ method: String, _ path: String, _ body: GraphJSON? = nil) async throws -> Graph.GraphResponse {
                try await session.send(Graph.GraphRequest(method: method, path: path, headers: [("Content-Type", "application/json")],
                                                          body: body.map { JSONWriter.serialize($0) }))
            }
            func get(_ path: String) async throws -> CanonicalJSON { try await session.send(.get(path)).json() }
            func status(_ path: String) async throws -> Int? {
                do { return try await session.send(.get(path)).status } catch let error as Graph.GraphError { return error.status }
            }

            let consent = try await get("/policies/adminConsentRequestPolicy")
            #expect(consent["isEnabled"] == .bool(true) && !(consent["reviewers"]?.arrayValue ?? []).isEmpty)
            let domains = try await get("/domains")["value"]?.arrayValue ?? []
            let federated = try #require(domains.first { $0["authenticationType"]?.stringValue == "Federated" }?["id"]?.stringValue)
            let federation = try #require(try await get("/domains/\(federated)/federationConfiguration")["value"]?.arrayValue?.first)
            let federationID = try #require(federation["id"]?.stringValue)
            let partners = try await get("/policies/crossTenantAccessPolicy/partners")["value"]?.arrayValue ?? []
            let partner = try #require(partners.first?["tenantId"]?.stringValue)
            let sync = "/policies/crossTenantAccessPolicy/partners/\(partner)/identitySynchronization"
            #expect(try await get(sync)["userSyncInbound"]?["isSyncAllowed"] == .bool(true))
            let tier1 = try await get("/policies/permissionGrantPolicies/tier-1")
            #expect(tier1["includes"]?.arrayValue?.count == 1)

            let before = try await harness.backup("contoso")
            #expect(before.status == .complete, "missing: \(before.missingTypes)")

            // The incident.
            #expect(try await send("PATCH", "/policies/identitySecurityDefaultsEnforcementPolicy", ["isEnabled": true]).status == 204)
            #expect(try await send("PUT", "/policies/adminConsentRequestPolicy", .object([
                "isEnabled": .bool(false), "notifyReviewers": .bool(false), "remindersEnabled": .bool(false),
                "requestDurationInDays": 7, "reviewers": .array([]),
            ])).status == 204)
            #expect(try await send("DELETE", "/policies/permissionGrantPolicies/tier-1").status == 204)
            // A second custom policy, created since the backup, is not the restore's to delete; a
            // condition set loosening it is left alone too (the snapshot does not know the policy).
            #expect(try await send("POST", "/policies/permissionGrantPolicies", .object([
                "id": .string("since-backup"), "displayName": .string("Added later"),
            ])).status == 201)
            #expect(try await send("PATCH", "/domains/\(federated)/federationConfiguration/\(federationID)", .object([
                "issuerUri": .string("http://evil.example/adfs/services/trust"), "signingCertificate": .string("MIIDattacker"),
            ])).status == 204)
            #expect(try await send("DELETE", "/identity/identityProviders/Google-OAUTH").status == 204)
            #expect(try await send("PUT", sync, .object(["userSyncInbound": .object(["isSyncAllowed": .bool(false)])])).status == 204)
            var rogue: String?
            if partners.count > 1, let second = partners.last?["tenantId"]?.stringValue, second != partner {
                let path = "/policies/crossTenantAccessPolicy/partners/\(second)/identitySynchronization"
                _ = try? await send("DELETE", path)
                #expect(try await send("PUT", path, .object(["displayName": .string("Rogue"),
                                                               "userSyncInbound": .object(["isSyncAllowed": .bool(true)])])).status == 204)
                rogue = second
            }

            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: session, scope: RestoreScope(types: Self.types), actor: "test")
            let steps = plan.steps.map { "\($0.phase) \($0.action) \($0.type) \($0.sourceKey)" }
            #expect(plan.steps.contains { $0.type == "identitySecurityDefaultsEnforcementPolicy" && $0.action == .patch }, "\(steps)")
            #expect(plan.steps.contains { $0.type == "adminConsentRequestPolicy" && $0.action == .patch }, "\(steps)")
            #expect(plan.steps.contains { $0.type == "permissionGrantPolicy" && $0.action == .create && $0.sourceKey == "tier-1" }, "\(steps)")
            #expect(plan.steps.contains { $0.type == "permissionGrantPolicy" && $0.sourceKey.hasPrefix("tier-1/includes/") }, "\(steps)")
            #expect(!plan.steps.contains { $0.sourceKey.hasPrefix("since-backup") || $0.sourceKey.hasPrefix("microsoft-") }, "\(steps)")
            #expect(plan.steps.contains { $0.type == "domain.federationConfiguration" && $0.action == .patch }, "\(steps)")
            #expect(plan.steps.contains { $0.type == "identityProvider" && $0.action == .create && $0.sourceKey == "Google-OAUTH" }, "\(steps)")
            #expect(plan.operatorActions.contains { $0.type == "identityProvider" && $0.action.contains("client secret") })
            #expect(plan.steps.contains { $0.type == Self.sync && $0.action == .patch && $0.sourceKey == partner }, "\(steps)")
            if let rogue {
                #expect(plan.steps.contains { $0.type == Self.sync && $0.action == .removeReference && $0.sourceKey == rogue },
                        "\(steps)")
            }

            let outcome = try await harness.executor().apply(planID: plan.id, target: session, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")

            #expect(try await get("/policies/identitySecurityDefaultsEnforcementPolicy")["isEnabled"] == .bool(false))
            let restoredConsent = try await get("/policies/adminConsentRequestPolicy")
            #expect(restoredConsent["isEnabled"] == .bool(true))
            #expect(restoredConsent["reviewers"] == consent["reviewers"])
            let restoredTier1 = try await get("/policies/permissionGrantPolicies/tier-1")
            #expect(restoredTier1["displayName"] == tier1["displayName"])
            #expect(restoredTier1["includes"]?.arrayValue?.first?["permissionClassification"]?.stringValue == "low")
            #expect(try await status("/policies/permissionGrantPolicies/since-backup") == 200)
            let restoredFederation = try await get("/domains/\(federated)/federationConfiguration/\(federationID)")
            #expect(restoredFederation["issuerUri"] == federation["issuerUri"])
            #expect(restoredFederation["signingCertificate"] == federation["signingCertificate"])
            let providers = try await get("/identity/identityProviders")["value"]?.arrayValue ?? []
            #expect(providers.contains { $0["identityProviderType"]?.stringValue == "Google" })
            #expect(try await get(sync)["userSyncInbound"]?["isSyncAllowed"] == .bool(true))
            if let rogue {
                #expect(try await status("/policies/crossTenantAccessPolicy/partners/\(rogue)/identitySynchronization") == 404)
            }

            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: Self.types), target: session)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }
}
