import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// PIM for Entra roles as graph-sim serves it: the documented bodies, schedule requests checked
/// against role settings, activations that look like ordinary role assignments, expiry.
@Suite("PIM for Entra roles")
struct PrivilegedAccessTests {
    static let policyFilter = "$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'"

    @Test("schedules, instances, settings and requests match the documented examples")
    func fidelity() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            try FidelityTests.expectFaithful("roleeligibilityschedules-list.json",
                                             try await session.get("/roleManagement/directory/roleEligibilitySchedules").json())
            try FidelityTests.expectFaithful("roleeligibilityscheduleinstances-list.json",
                                             try await session.get("/roleManagement/directory/roleEligibilityScheduleInstances").json())
            try FidelityTests.expectFaithful("roleassignmentschedules-list.json",
                                             try await session.get("/roleManagement/directory/roleAssignmentSchedules").json())
            try FidelityTests.expectFaithful("roleassignmentscheduleinstances-list.json",
                                             try await session.get("/roleManagement/directory/roleAssignmentScheduleInstances").json())
            let policies = try await session.get("/policies/roleManagementPolicies?\(Self.policyFilter)").json()
            try FidelityTests.expectFaithful("rolemanagementpolicies-list.json", policies)
            try FidelityTests.expectFaithful("rolemanagementpolicyassignments-list.json",
                                             try await session.get("/policies/roleManagementPolicyAssignments?\(Self.policyFilter)").json())
            let policy = try #require(policies.items.first?["id"]?.stringValue)
            try FidelityTests.expectFaithful("rolemanagementpolicyrule-get.json",
                                             try await session.get("/policies/roleManagementPolicies/\(policy)/rules/Expiration_Admin_Eligibility").json())

            let user = try #require(try await session.getAll("/users?$top=50&$select=id").last?["id"]?.stringValue)
            let created = try await session.send("POST", "/roleManagement/directory/roleEligibilityScheduleRequests", json: [
                "action": "adminAssign", "justification": "Eligible reader", "principalId": .string(user),
                "roleDefinitionId": "f2ef992c-3afb-46b9-b7cf-a126ee74c451", "directoryScopeId": "/",
                "scheduleInfo": ["startDateTime": .string(Timestamp.format(Date())),
                                 "expiration": ["type": "afterDuration", "duration": "P30D"]],
            ])
            #expect(created.status == 201)
            try FidelityTests.expectFaithful("roleeligibilityschedulerequest-post.json", try created.json())
        }
    }

    @Test("an activation is an ordinary role assignment; only PIM's instance says Activated")
    func activationsLookPermanentOutsidePIM() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let instances = try await session.getAll("/roleManagement/directory/roleAssignmentScheduleInstances")
            let activation = try #require(instances.first { $0["assignmentType"]?.stringValue == "Activated" })
            #expect(activation["endDateTime"]?.stringValue != nil)
            let origin = try #require(activation["roleAssignmentOriginId"]?.stringValue)
            let assignment = try await session.get("/roleManagement/directory/roleAssignments/\(origin)")
            #expect(assignment.status == 200)
            // Every direct assignment shows as a permanent Assigned instance.
            let assignments = try await session.getAll("/roleManagement/directory/roleAssignments")
            #expect(instances.count == assignments.count)
            let eligible = try await session.getAll("/roleManagement/directory/roleEligibilitySchedules")
            #expect(eligible.contains { $0["principalId"] == activation["principalId"] && $0["roleDefinitionId"] == activation["roleDefinitionId"] })
            // Filters work on the derived views.
            let activated = try await session.getAll("/roleManagement/directory/roleAssignmentScheduleInstances?$filter=assignmentType eq 'Activated'")
            #expect(activated.count == 1)
        }
    }

    @Test("requests follow the role's settings, refuse duplicates, and adminRemove takes the role away")
    func requestsFollowSettings() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            // A member with no role at all, eligible or active.
            let privileged = Set((try await session.getAll("/roleManagement/directory/roleEligibilitySchedules")
                + (try await session.getAll("/roleManagement/directory/roleAssignments"))).compactMap { $0["principalId"]?.stringValue })
            let user = try #require(try await session.getAll("/users?$filter=userType eq 'Member'&$select=id")
                .compactMap { $0["id"]?.stringValue }.last { !privileged.contains($0) })
            let globalAdmin = "62e90394-69f5-4237-9190-012177145e10"
            // Global Administrator's settings require an end to eligibility.
            let permanent = try await session.send("POST", "/roleManagement/directory/roleEligibilityScheduleRequests", json: [
                "action": "adminAssign", "principalId": .string(user), "roleDefinitionId": .string(globalAdmin),
                "directoryScopeId": "/", "scheduleInfo": ["expiration": ["type": "noExpiration"]],
            ])
            #expect(permanent.status == 400)
            #expect(try permanent.json()["error"]?["code"]?.stringValue == "RoleAssignmentRequestPolicyValidationFailed")
            let tooLong = try await session.send("POST", "/roleManagement/directory/roleEligibilityScheduleRequests", json: [
                "action": "adminAssign", "principalId": .string(user), "roleDefinitionId": .string(globalAdmin),
                "directoryScopeId": "/", "scheduleInfo": ["expiration": ["type": "afterDuration", "duration": "P400D"]],
            ])
            #expect(tooLong.status == 400)
            let expired = try await session.send("POST", "/roleManagement/directory/roleEligibilityScheduleRequests", json: [
                "action": "adminAssign", "principalId": .string(user), "roleDefinitionId": .string(globalAdmin),
                "directoryScopeId": "/", "scheduleInfo": ["startDateTime": "2020-01-01T00:00:00Z",
                                                          "expiration": ["type": "afterDateTime", "endDateTime": "2020-02-01T00:00:00Z"]],
            ])
            #expect(expired.status == 400)

            // A time-bound active assignment grants the role through a role assignment.
            let reader = "5d6b6bb7-de71-4623-b4af-96380a352509"
            let body: JSONValue = [
                "action": "adminAssign", "justification": "Audit", "principalId": .string(user), "roleDefinitionId": .string(reader),
                "directoryScopeId": "/", "scheduleInfo": ["expiration": ["type": "afterDuration", "duration": "P10D"]],
            ]
            let active = try await session.send("POST", "/roleManagement/directory/roleAssignmentScheduleRequests", json: body)
            #expect(active.status == 201)
            let schedule = try #require(try active.json()["targetScheduleId"]?.stringValue)
            let again = try await session.send("POST", "/roleManagement/directory/roleAssignmentScheduleRequests", json: body)
            #expect(try again.json()["error"]?["code"]?.stringValue == "RoleAssignmentExists")
            let assignments = try await session.getAll("/roleManagement/directory/roleAssignments?$filter=principalId eq '\(user)'")
            #expect(assignments.contains { $0["roleDefinitionId"]?.stringValue == reader })
            let schedules = try await session.getAll("/roleManagement/directory/roleAssignmentSchedules")
            let stored = try #require(schedules.first { $0["id"]?.stringValue == schedule })
            #expect(stored["scheduleInfo"]?["expiration"]?["type"]?.stringValue == "afterDuration")
            // Without a justification, the assignment rules refuse it.
            let unjustified = try await session.send("POST", "/roleManagement/directory/roleAssignmentScheduleRequests", json: [
                "action": "adminAssign", "principalId": .string(user), "roleDefinitionId": "fe930be7-5e62-47db-91af-98c3a49a38b1",
                "directoryScopeId": "/", "scheduleInfo": ["expiration": ["type": "afterDuration", "duration": "P10D"]],
            ])
            #expect(try unjustified.json()["error"]?["message"]?.stringValue?.contains("JustificationRule") == true)

            let removed = try await session.send("POST", "/roleManagement/directory/roleAssignmentScheduleRequests", json: [
                "action": "adminRemove", "principalId": .string(user), "roleDefinitionId": .string(reader), "directoryScopeId": "/",
            ])
            #expect(removed.status == 201)
            #expect(try removed.json()["status"]?.stringValue == "Revoked")
            let after = try await session.getAll("/roleManagement/directory/roleAssignments?$filter=principalId eq '\(user)'")
            #expect(!after.contains { $0["roleDefinitionId"]?.stringValue == reader })
        }
    }

    @Test("role settings: the list needs its scope filter, rules expand and patch")
    func roleSettings() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            #expect(try await session.get("/policies/roleManagementPolicies").status == 400)
            let expanded = try await session.getAll("/policies/roleManagementPolicies?\(Self.policyFilter)&$expand=rules")
            let policy = try #require(expanded.first)
            let rules = try #require(policy["rules"]?.arrayValue)
            #expect(rules.count == 17)
            #expect(rules.allSatisfy { $0["@odata.type"]?.stringValue?.hasPrefix("#microsoft.graph.unifiedRoleManagementPolicy") == true })
            let id = try #require(policy["id"]?.stringValue)
            let patched = try await session.send("PATCH", "/policies/roleManagementPolicies/\(id)/rules/Expiration_EndUser_Assignment", json: [
                "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule", "id": "Expiration_EndUser_Assignment",
                "isExpirationRequired": true, "maximumDuration": "PT2H",
            ])
            #expect(patched.status == 204)
            let rule = try await session.get("/policies/roleManagementPolicies/\(id)/rules/Expiration_EndUser_Assignment").json()
            #expect(rule["maximumDuration"]?.stringValue == "PT2H")
        }
    }
}
