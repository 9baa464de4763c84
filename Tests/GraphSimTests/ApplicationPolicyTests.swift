import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// Home realm discovery and activity-based timeout policies, app management policies, delegated
/// permission classifications, the authentication flows and device registration policies, and
/// terms of use agreements:
/// the documented bodies and Graph's write rules.
@Suite("Application policies")
struct ApplicationPolicyTests {
    static let permissions = TestSupport.allPermissions + [
        "Policy.Read.DeviceConfiguration", "Policy.ReadWrite.DeviceConfiguration", "Policy.ReadWrite.AuthenticationFlows",
        "Policy.ReadWrite.PermissionGrant",
    ]

    @Test("the documented examples")
    func fidelity() async throws {
        // Hybrid (200 users): the profile that seeds a home realm discovery policy.
        try await TestSupport.withFixture(tenants: [TenantSpecification(name: "contoso", profile: SeedProfile(name: "hybrid", users: 200), seed: 1)],
                                          permissions: Self.permissions + ["Agreement.Read.All"]) { fixture in
            let session = try await fixture.session()
            try FidelityTests.expectFaithful("homerealmdiscoverypolicies-list.json", try await session.get("/policies/homeRealmDiscoveryPolicies").json())
            try FidelityTests.expectFaithful("activitybasedtimeoutpolicies-list.json",
                                             try await session.get("/policies/activityBasedTimeoutPolicies").json(), allowContext: true)
            try FidelityTests.expectFaithful("tenantappmanagementpolicy-get.json", try await session.get("/policies/defaultAppManagementPolicy").json())
            try FidelityTests.expectFaithful("appmanagementpolicies-list.json", try await session.get("/policies/appManagementPolicies").json())
            try FidelityTests.expectFaithful("authenticationflowspolicy-get.json", try await session.get("/policies/authenticationFlowsPolicy").json())
            let registration = try await session.get("/policies/deviceRegistrationPolicy").json()
            try FidelityTests.expectFaithful("deviceregistrationpolicy-get.json", registration)
            #expect(registration["@odata.context"]?.stringValue?.hasSuffix("$metadata#deviceRegistrationPolicy") == true)
            let graph = "/servicePrincipals(appId='\(WellKnown.microsoftGraphAppId)')"
            try FidelityTests.expectFaithful("delegatedpermissionclassifications-list.json",
                                             try await session.get("\(graph)/delegatedPermissionClassifications").json(), allowContext: true)
            try FidelityTests.expectFaithful("agreements-list.json", try await session.get("/identityGovernance/termsOfUse/agreements").json())
        }
    }

    @Test("terms of use: a new agreement needs its name, the viewing switch and a PDF")
    func agreements() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions + ["Agreement.ReadWrite.All"]) { fixture in
            let session = try await fixture.session()
            let path = "/identityGovernance/termsOfUse/agreements"
            #expect(try await session.getAll(path).contains { $0["userReacceptRequiredFrequency"] == "P90D" })
            let pdf = Data("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".utf8).base64EncodedString()
            let file: JSONValue = ["fileName": "TOU.pdf", "language": "en", "isDefault": true, "fileData": ["data": .string(pdf)]]
            #expect(try await session.send("POST", path, json: ["displayName": "No file", "isViewingBeforeAcceptanceRequired": true]).status == 400)
            #expect(try await session.send("POST", path, json: [
                "displayName": "Not a PDF", "isViewingBeforeAcceptanceRequired": true,
                "files": [["fileName": "a.txt", "language": "en", "isDefault": true, "fileData": ["data": "aGVsbG8="]]],
            ]).status == 400)
            let created = try await session.send("POST", path, json: [
                "displayName": "Contractors", "isViewingBeforeAcceptanceRequired": true, "files": [file],
            ])
            #expect(created.status == 201)
            #expect(try created.json()["isPerDeviceAcceptanceRequired"] == false)
            #expect(try created.json()["files"] == nil)
            let id = try #require(try created.json()["id"]?.stringValue)
            #expect(try await session.send("PATCH", "\(path)/\(id)", json: ["userReacceptRequiredFrequency": "P30D"]).status == 204)
            #expect(try await session.get("\(path)/\(id)").json()["userReacceptRequiredFrequency"] == "P30D")
            #expect(try await session.send("DELETE", "\(path)/\(id)").status == 204)
            // Reading needs an agreement permission.
            #expect(Self.permissions.allSatisfy { !$0.hasPrefix("Agreement.") })
        }
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            #expect(try await session.get("/identityGovernance/termsOfUse/agreements").status == 403)
        }
    }

    @Test("seeded tenants: a custom app policy on a quarter of the apps, one organization-default timeout, the switches")
    func seeding() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            let policies = try await session.getAll("/policies/appManagementPolicies")
            #expect(policies.count == 1)
            let policy = try #require(policies.first?["id"]?.stringValue)
            let applied = try await session.getAll("/policies/appManagementPolicies/\(policy)/appliesTo")
            let applications = try await session.getAll("/applications")
            #expect(!applied.isEmpty && applied.count <= max(1, applications.count / 4))
            #expect(applied.allSatisfy { $0["@odata.type"]?.stringValue == "#microsoft.graph.application" })
            let timeouts = try await session.getAll("/policies/activityBasedTimeoutPolicies")
            #expect(timeouts.filter { $0["isOrganizationDefault"] == true }.count == 1)
            #expect(try await session.get("/policies/defaultAppManagementPolicy").json()["isEnabled"] == true)
            #expect(try await session.get("/policies/authenticationFlowsPolicy").json()["selfServiceSignUp"]?["isEnabled"] == false)
            // Small tenants are not hybrid: no home realm discovery policy.
            #expect(try await session.getAll("/policies/homeRealmDiscoveryPolicies").isEmpty)
        }
    }

    @Test("writes: one organization default per type, one app policy per app, classifications of published scopes, PUT-only registration")
    func writes() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            // A second organization-default timeout policy is refused; a non-default one is not.
            let second = try await session.send("POST", "/policies/activityBasedTimeoutPolicies", json: [
                "definition": ["{\"ActivityBasedTimeoutPolicy\":{\"Version\":1,\"ApplicationPolicies\":[{\"ApplicationId\":\"default\",\"WebSessionIdleTimeout\":\"02:00:00\"}]}}"],
                "displayName": "Two hours", "isOrganizationDefault": true,
            ])
            #expect(second.status == 400)
            let spare = try await session.send("POST", "/policies/activityBasedTimeoutPolicies", json: [
                "definition": ["{\"ActivityBasedTimeoutPolicy\":{\"Version\":1}}"], "displayName": "Spare",
            ])
            #expect(spare.status == 201)
            #expect(try spare.json()["isOrganizationDefault"] == false)
            #expect(try spare.json()["deletedDateTime"] == .null)
            let spareID = try #require(try spare.json()["id"]?.stringValue)
            #expect(try await session.send("PATCH", "/policies/activityBasedTimeoutPolicies/\(spareID)", json: ["isOrganizationDefault": true]).status == 400)

            // An application already under the custom app management policy takes no second one.
            let policy = try #require(try await session.getAll("/policies/appManagementPolicies").first?["id"]?.stringValue)
            let applied = try #require(try await session.getAll("/policies/appManagementPolicies/\(policy)/appliesTo").first?["id"]?.stringValue)
            let other = try await session.send("POST", "/policies/appManagementPolicies", json: [
                "displayName": "Short-lived secrets", "description": "Secrets last 90 days", "isEnabled": true,
                "restrictions": ["passwordCredentials": [["restrictionType": "passwordLifetime", "maxLifetime": "P90D",
                                                          "restrictForAppsCreatedAfterDateTime": "2024-01-01T00:00:00Z"]],
                                 "keyCredentials": []],
            ])
            #expect(other.status == 201)
            let otherID = try #require(try other.json()["id"]?.stringValue)
            let reference: JSONValue = ["@odata.id": .string("https://graph.microsoft.com/v1.0/policies/appManagementPolicies/\(otherID)")]
            #expect(try await session.send("POST", "/applications/\(applied)/appManagementPolicies/$ref", json: reference).status == 400)
            #expect(try await session.send("DELETE", "/applications/\(applied)/appManagementPolicies/\(policy)/$ref").status == 204)
            #expect(try await session.send("POST", "/applications/\(applied)/appManagementPolicies/$ref", json: reference).status == 204)
            #expect(try await session.getAll("/applications/\(applied)/appManagementPolicies").first?["id"]?.stringValue == otherID)

            // Classifications name a delegated permission the API publishes, once, as low.
            let graph = "/servicePrincipals(appId='\(WellKnown.microsoftGraphAppId)')/delegatedPermissionClassifications"
            #expect(try await session.send("POST", graph, json: ["permissionName": "Mail.Read", "classification": "medium"]).status == 400)
            #expect(try await session.send("POST", graph, json: ["permissionName": "No.Such.Scope", "classification": "low"]).status == 400)
            let classified = try await session.send("POST", graph, json: ["permissionName": "Mail.Read", "classification": "low"])
            #expect(classified.status == 201)
            #expect(try classified.json()["permissionId"]?.stringValue == "570282fd-fa5c-430d-a7fd-fc8dc98a9dca")
            #expect(try classified.json()["id"]?.stringValue?.count == 23)
            #expect(try await session.send("POST", graph, json: ["permissionName": "Mail.Read", "classification": "low"]).status == 409)
            let classification = try #require(try classified.json()["id"]?.stringValue)
            #expect(try await session.send("DELETE", "\(graph)/\(classification)").status == 204)

            // The registration policy takes PUT with every updatable property and answers with the policy.
            #expect(try await session.send("PATCH", "/policies/deviceRegistrationPolicy", json: ["userDeviceQuota": 5]).status == 405)
            #expect(try await session.send("PUT", "/policies/deviceRegistrationPolicy", json: ["userDeviceQuota": 5]).status == 400)
            var policyBody = try #require(try await session.get("/policies/deviceRegistrationPolicy").json().objectValue)
            policyBody["userDeviceQuota"] = 5
            for name in ["@odata.context", "id", "displayName", "description"] { policyBody[name] = nil }
            let put = try await session.send("PUT", "/policies/deviceRegistrationPolicy", json: .object(policyBody))
            #expect(put.status == 200)
            #expect(try put.json()["userDeviceQuota"] == 5)
            #expect(try await session.send("PATCH", "/policies/authenticationFlowsPolicy", json: ["selfServiceSignUp": ["isEnabled": true]]).status == 204)
            #expect(try await session.get("/policies/authenticationFlowsPolicy").json()["selfServiceSignUp"]?["isEnabled"] == true)
        }
    }
}
