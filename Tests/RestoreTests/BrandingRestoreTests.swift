import Foundation
import Graph
import GraphSim
import JSON
@testable import Restore
import Testing
import Vault

/// Company branding restored: the default reverted, a locale added since removed, and into an
/// empty tenant the default created by `PATCH /organization/{id}/branding`; images are an operator action.
@Suite("Company branding restore", .serialized)
struct BrandingRestoreTests {
    static let scope = RestoreScope(types: [PlanningContext.brandingType])

    @Test("graph-sim: a defaced sign-in page and a rogue locale are reverted; images are named for the operator")
    func restore() async throws {
        try await RestoreHarness.run { harness in
            let session = try harness.session("contoso")
            let organization = try #require(try await session.send(.get("/organization")).json()["value"]?.arrayValue?.first?["id"]?.stringValue)
            let before = try await harness.backup("contoso")
            #expect(before.status == .complete, "missing: \(before.missingTypes)")

            let base = "/organization/\(organization)/branding"
            #expect(try await session.send(try PrivilegedAccessRestoreTests.write("PATCH", base, .object([
                "signInPageText": .string("Enter your password at evil.example"),
            ]))).status == 204)
            #expect(try await session.send(try PrivilegedAccessRestoreTests.write("POST", "\(base)/localizations", .object([
                "id": .string("de-DE"), "signInPageText": .string("Passwort hier eingeben"),
            ]))).status == 201)

            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: session, scope: Self.scope, actor: "test")
            let steps = Set(plan.steps.map { "\($0.action) \($0.sourceKey)" })
            #expect(steps == ["patch \(organization)/0", "removeReference \(organization)/de-DE"], "\(steps)")
            #expect(plan.operatorActions.contains { $0.action.contains("bannerLogo") })
            let outcome = try await harness.executor().apply(planID: plan.id, target: session, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")
            let restored = try await session.send(.get("\(base)/localizations")).json()["value"]?.arrayValue ?? []
            #expect(restored.map { $0["id"]?.stringValue ?? "" } == ["0"])
            #expect(restored.first?["signInPageText"]?.stringValue?.contains("evil") == false)
            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: [PlanningContext.brandingType]),
                target: session)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }

    @Test("graph-sim: into an empty tenant the default branding is created under its organization")
    func scratch() async throws {
        try await RestoreHarness.run { harness in
            let before = try await harness.backup("contoso")
            let scratch = try harness.session("scratch")
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("scratch"),
                                                        target: scratch, scope: Self.scope, actor: "test")
            #expect(plan.steps.map(\.action) == [.create], "\(plan.steps.map { "\($0.action) \($0.sourceKey)" })")
            let outcome = try await harness.executor().apply(planID: plan.id, target: scratch, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")
            let organization = try #require(try await scratch.send(.get("/organization")).json()["value"]?.arrayValue?.first?["id"]?.stringValue)
            let branding = try await scratch.send(.get("/organization/\(organization)/branding/localizations/0")).json()
            #expect(branding["signInPageText"]?.stringValue?.isEmpty == false)
            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: [PlanningContext.brandingType]),
                target: scratch)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }
}
