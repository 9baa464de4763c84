import Foundation
import Graph
import GraphSim
import JSON
@testable import Restore
import Testing
import Vault

/// PIM-correct restore: eligibilities and time-bound assignments come back as schedules with
/// their original end, activations never come back, expired schedules are reported, role
/// settings are patched rule by rule.
@Suite("PIM restore", .serialized)
struct PrivilegedAccessRestoreTests {
    static func write(_ method: String, _ path: String, _ body: GraphJSON) throws -> Graph.GraphRequest {
        Graph.GraphRequest(method: method, path: path, headers: [("Content-Type", "application/json")], body: JSONWriter.serialize(body))
    }

    static func json(_ text: String) throws -> CanonicalJSON { try CanonicalJSON.parse(Array(text.utf8)) }

    static func schedule(_ id: String, principal: String, role: String, end: String?, assignmentType: String? = nil) throws -> CanonicalJSON {
        let expiration = end.map { "{\"type\":\"afterDateTime\",\"endDateTime\":\"\($0)\",\"duration\":null}" }
            ?? "{\"type\":\"noExpiration\",\"endDateTime\":null,\"duration\":null}"
        let type = assignmentType.map { ",\"assignmentType\":\"\($0)\"" } ?? ""
        return try json("""
            {"id":"\(id)","principalId":"\(principal)","roleDefinitionId":"\(role)","directoryScopeId":"/","status":"Provisioned"\(type),
             "scheduleInfo":{"startDateTime":"2026-01-01T00:00:00Z","recurrence":null,"expiration":\(expiration)}}
            """)
    }

    @Test("planning: expired schedules and activations are reported, not recreated; time-bound assignments become schedules")
    func planning() throws {
        let user = "11111111-1111-4111-8111-111111111111"
        let globalAdmin = "62e90394-69f5-4237-9190-012177145e10"
        let reader = "5d6b6bb7-de71-4623-b4af-96380a352509"
        let now = try #require(GraphTimestamp.parse("2026-06-01T00:00:00Z"))
        var source = TenantObjects()
        source["user"] = [user: try Self.json("{\"id\":\"\(user)\",\"userPrincipalName\":\"a@contoso.com\"}")]
        source["roleEligibilitySchedule"] = [
            "e-live": try Self.schedule("e-live", principal: user, role: globalAdmin, end: "2026-09-01T00:00:00Z"),
            "e-expired": try Self.schedule("e-expired", principal: user, role: reader, end: "2026-05-01T00:00:00Z"),
        ]
        source["roleAssignmentSchedule"] = [
            "a-activated": try Self.schedule("a-activated", principal: user, role: globalAdmin, end: "2026-06-01T08:00:00Z",
                                             assignmentType: "Activated"),
            "a-timebound": try Self.schedule("a-timebound", principal: user, role: reader, end: "2026-08-01T00:00:00Z",
                                             assignmentType: "Assigned"),
            "a-permanent": try Self.schedule("a-permanent", principal: user, role: "fe930be7-5e62-47db-91af-98c3a49a38b1", end: nil,
                                             assignmentType: "Assigned"),
        ]
        source["roleAssignmentScheduleInstance"] = [
            "i1": try Self.json("""
                {"id":"i1","principalId":"\(user)","roleDefinitionId":"\(globalAdmin)","directoryScopeId":"/","assignmentType":"Activated",
                 "endDateTime":"2026-06-01T08:00:00Z","roleAssignmentOriginId":"ra-ga"}
                """),
            "i2": try Self.json("""
                {"id":"i2","principalId":"\(user)","roleDefinitionId":"\(reader)","directoryScopeId":"/","assignmentType":"Assigned",
                 "endDateTime":"2026-08-01T00:00:00Z","roleAssignmentOriginId":"ra-reader"}
                """),
        ]
        source["roleAssignment"] = [
            "ra-ga": try Self.json("{\"id\":\"ra-ga\",\"principalId\":\"\(user)\",\"roleDefinitionId\":\"\(globalAdmin)\",\"directoryScopeId\":\"/\"}"),
            "ra-reader": try Self.json("{\"id\":\"ra-reader\",\"principalId\":\"\(user)\",\"roleDefinitionId\":\"\(reader)\",\"directoryScopeId\":\"/\"}"),
        ]
        var target = TenantObjects()
        target["user"] = source["user"]
        let types: Set<String> = ["roleEligibilitySchedule", "roleAssignmentSchedule", "roleAssignment"]
        var context = PlanningContext(scope: .wholeTenant, types: types, source: source, target: target, deleted: [:],
                                      sameTenant: true, rewrites: [:])
        context.matchObjects()
        context.planAssignments()
        context.planSchedules(now: now)
        let created = Set(context.steps.filter { $0.action == .create }.map { "\($0.type) \($0.sourceKey)" })
        // The live eligibility and the time-bound assignment, as schedules; nothing as a permanent role assignment.
        #expect(created == ["roleEligibilitySchedule e-live", "roleAssignmentSchedule a-timebound"])
        let reported = Dictionary(grouping: context.actions, by: \.objectID)
        #expect(reported["e-expired"]?.first?.action.contains("expired") == true)
        #expect(reported["a-activated"]?.first?.action.contains("activation") == true)
        #expect(reported["ra-ga"]?.first?.action.contains("activation") == true)
        #expect(reported["ra-reader"] == nil)
        // The permanent schedule is restored as its role assignment (in the snapshot under its own id).
        #expect(!created.contains("roleAssignmentSchedule a-permanent"))
    }

    @Test("graph-sim: a removed eligible Global Administrator, a removed time-bound assignment and weakened settings come back; the activation does not")
    func restore() async throws {
        try await RestoreHarness.run { harness in
            let session = try harness.session("contoso")
            let globalAdmin = "62e90394-69f5-4237-9190-012177145e10"
            let eligible = try await session.send(.get("/roleManagement/directory/roleEligibilitySchedules")).json()["value"]?.arrayValue ?? []
            let adminEligibility = try #require(eligible.first { $0["roleDefinitionId"]?.stringValue == globalAdmin })
            let admin = try #require(adminEligibility["principalId"]?.stringValue)
            let instances = try await session.send(.get("/roleManagement/directory/roleAssignmentScheduleInstances")).json()["value"]?.arrayValue ?? []
            let activation = try #require(instances.first { $0["assignmentType"]?.stringValue == "Activated" })
            #expect(activation["principalId"]?.stringValue == admin)
            let timeBound = try #require(instances.first { $0["assignmentType"]?.stringValue == "Assigned" && $0["endDateTime"]?.stringValue != nil })
            let policies = try await session.send(.get("/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'/'%20and%20scopeType%20eq%20'DirectoryRole'"))
                .json()["value"]?.arrayValue ?? []
            let policy = try #require(policies.first { $0["roleDefinitionId"]?.stringValue == globalAdmin }?["policyId"]?.stringValue)

            let before = try await harness.backup("contoso")
            #expect(before.status == .complete, "missing: \(before.missingTypes)")

            // The incident: the eligibility, the time-bound assignment and the activation removed; activation made easy.
            func remove(_ set: String, _ object: GraphJSON) async throws {
                let response = try await session.send(try Self.write("POST", "/roleManagement/directory/\(set)", GraphJSON.object([
                    "action": .string("adminRemove"), "principalId": object["principalId"] ?? .null,
                    "roleDefinitionId": object["roleDefinitionId"] ?? .null, "directoryScopeId": .string("/"),
                ])))
                #expect(response.status == 201)
            }
            try await remove("roleEligibilityScheduleRequests", adminEligibility)
            try await remove("roleAssignmentScheduleRequests", timeBound)
            try await remove("roleAssignmentScheduleRequests", activation)
            let weakened = try await session.send(try Self.write("PATCH", "/policies/roleManagementPolicies/\(policy)/rules/Enablement_EndUser_Assignment", GraphJSON.object([
                "@odata.type": .string("#microsoft.graph.unifiedRoleManagementPolicyEnablementRule"),
                "id": .string("Enablement_EndUser_Assignment"), "enabledRules": .array([]),
            ])))
            #expect(weakened.status == 204)

            let scope = RestoreScope(types: ["roleEligibilitySchedule", "roleAssignmentSchedule", "roleAssignment", "roleManagementPolicy"])
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: session, scope: scope, actor: "test")
            let steps = plan.steps.map { "\($0.action) \($0.type) \($0.sourceKey)" }
            #expect(plan.steps.filter { $0.type == "roleEligibilitySchedule" }.count == 1, "\(steps)")
            #expect(plan.steps.filter { $0.type == "roleAssignmentSchedule" }.count == 1, "\(steps)")
            #expect(plan.steps.filter { $0.type == "roleAssignment" }.isEmpty, "\(steps)")
            #expect(plan.steps.filter { $0.type == "roleManagementPolicy" }.map(\.sourceKey) == ["\(policy)/Enablement_EndUser_Assignment"])
            #expect(plan.operatorActions.contains { $0.action.contains("activation") })

            let outcome = try await harness.executor().apply(planID: plan.id, target: session, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")

            let restored = try await session.send(.get("/roleManagement/directory/roleEligibilitySchedules")).json()["value"]?.arrayValue ?? []
            let back = try #require(restored.first { $0["principalId"]?.stringValue == admin && $0["roleDefinitionId"]?.stringValue == globalAdmin })
            #expect(back["scheduleInfo"]?["expiration"]?["endDateTime"] == adminEligibility["scheduleInfo"]?["expiration"]?["endDateTime"])
            let active = try await session.send(.get("/roleManagement/directory/roleAssignmentScheduleInstances")).json()["value"]?.arrayValue ?? []
            #expect(active.contains { $0["principalId"] == timeBound["principalId"] && $0["endDateTime"] == timeBound["endDateTime"] })
            // The activation is not back, not even as a permanent assignment.
            #expect(!active.contains { $0["principalId"]?.stringValue == admin && $0["roleDefinitionId"]?.stringValue == globalAdmin })
            let rule = try await session.send(.get("/policies/roleManagementPolicies/\(policy)/rules/Enablement_EndUser_Assignment")).json()
            #expect(rule["enabledRules"]?.arrayValue?.isEmpty == false)

            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: scope.types ?? []), target: session)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }
}
