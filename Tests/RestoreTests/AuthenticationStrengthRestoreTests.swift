import Foundation
import Graph
import GraphSim
import JSON
import Restore
import Testing
import Vault

/// A custom authentication strength deleted with the conditional access policy that required it:
/// the restore recreates the strength (with its FIDO2 allow-list) first and the policy whole,
/// pointing at the new strength; a disabled authentication context is switched back on.
@Suite("Authentication strength restore", .serialized)
struct AuthenticationStrengthRestoreTests {
    @Test func aDeletedCustomStrengthAndItsPolicyComeBackWhole() async throws {
        try await RestoreHarness.run { harness in
            let session = try harness.session("contoso")
            let before = try await harness.backup("contoso")
            #expect(before.status == .complete, "missing: \(before.missingTypes)")

            let policies = try await session.send(.get("/identity/conditionalAccess/policies")).json()["value"]?.arrayValue ?? []
            let policy = try #require(policies.first {
                $0["grantControls"]?["authenticationStrength"]?["policyType"]?.stringValue == "custom"
                    && $0["state"]?.stringValue == "enabled"
            })
            let policyID = try #require(policy["id"]?.stringValue)
            let strengthID = try #require(policy["grantControls"]?["authenticationStrength"]?["id"]?.stringValue)
            func send(_ method: String, _ path: String, _ body: GraphJSON? = nil) async throws -> Graph.GraphResponse {
                try await session.send(Graph.GraphRequest(method: method, path: path, headers: [("Content-Type", "application/json")],
                                                    body: body.map { JSONWriter.serialize($0) }))
            }
            // The incident: the policy deleted for good, then the strength, and a context disabled.
            _ = try await send("DELETE", "/identity/conditionalAccess/policies/\(policyID)")
            _ = try await send("DELETE", "/identity/conditionalAccess/deletedItems/policies/\(policyID)")
            _ = try await send("DELETE", "/policies/authenticationStrengthPolicies/\(strengthID)")
            _ = try await send("PATCH", "/identity/conditionalAccess/authenticationContextClassReferences/c1",
                               .object(["isAvailable": .bool(false)]))

            let scope = RestoreScope(types: ["conditionalAccessPolicy", "authenticationStrengthPolicy", "authenticationContextClassReference"])
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: session, scope: scope, actor: "test")
            let steps = plan.steps.map { "\($0.phase) \($0.action) \($0.type) \($0.sourceKey)" }
            #expect(plan.steps.contains { $0.action == .create && $0.type == "authenticationStrengthPolicy" && $0.sourceKey == strengthID }, "\(steps)")
            #expect(plan.steps.contains { $0.action == .create && $0.type == "authenticationStrengthPolicy.combinationConfigurations" }, "\(steps)")
            #expect(plan.steps.contains { $0.action == .create && $0.type == "conditionalAccessPolicy" && $0.sourceKey == policyID }, "\(steps)")
            #expect(plan.steps.contains { $0.type == "authenticationContextClassReference" && $0.sourceKey == "c1" }, "\(steps)")

            let outcome = try await harness.executor().apply(planID: plan.id, target: session, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")
            let newStrength = try #require(outcome.map.ids[strengthID])
            let newPolicy = try #require(outcome.map.ids[policyID])
            let restored = try await session.send(.get("/identity/conditionalAccess/policies/\(newPolicy)")).json()
            #expect(restored["grantControls"]?["authenticationStrength"]?["id"]?.stringValue == newStrength)
            let configurations = try await session.send(.get("/policies/authenticationStrengthPolicies/\(newStrength)/combinationConfigurations"))
                .json()["value"]?.arrayValue ?? []
            #expect(configurations.first?["allowedAAGUIDs"]?.arrayValue?.count == 2)
            let context = try await session.send(.get("/identity/conditionalAccess/authenticationContextClassReferences/c1")).json()
            #expect(context["isAvailable"] == .bool(true))

            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: scope.types ?? []), target: session)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }
}
