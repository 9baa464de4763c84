import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// Authentication strengths and contexts: the documented bodies and Graph's write rules.
@Suite("Authentication strengths and contexts")
struct AuthenticationStrengthTests {
    @Test("strengths, combination configurations and contexts match the documented examples")
    func fidelity() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let strengths = try await session.get("/policies/authenticationStrengthPolicies").json()
            try FidelityTests.expectFaithful("authenticationstrengthpolicies-list.json", strengths)
            let custom = try #require(strengths.items.first { $0["combinationConfigurations"]?.arrayValue?.isEmpty == false })
            // SOURCES.md: the documented example has no @odata.context.
            try FidelityTests.expectFaithful("authenticationcombinationconfigurations-list.json",
                                             try await session.get("/policies/authenticationStrengthPolicies/\(custom["id"]?.stringValue ?? "")/combinationConfigurations").json(),
                                             allowContext: true)
            try FidelityTests.expectFaithful("authenticationcontextclassreferences-list.json",
                                             try await session.get("/identity/conditionalAccess/authenticationContextClassReferences").json())
        }
    }

    @Test("custom strengths: created, combinations changed only by updateAllowedCombinations, not deleted while in use")
    func strengthWrites() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let created = try await session.send("POST", "/policies/authenticationStrengthPolicies", json: [
                "@odata.type": "#microsoft.graph.authenticationStrengthPolicy", "displayName": "Contoso authentication level",
                "description": "The only authentication level allowed to access our secret apps",
                "allowedCombinations": ["password, hardwareOath", "password, sms"],
            ])
            #expect(created.status == 201)
            let id = try #require(try created.json()["id"]?.stringValue)
            #expect(try created.json()["policyType"]?.stringValue == "custom")
            let invalid = try await session.send("POST", "/policies/authenticationStrengthPolicies", json: [
                "displayName": "Broken", "allowedCombinations": ["email, carrierPigeon"],
            ])
            #expect(invalid.status == 400)
            let patched = try await session.send("PATCH", "/policies/authenticationStrengthPolicies/\(id)", json: [
                "allowedCombinations": ["fido2"],
            ])
            #expect(patched.status == 400)
            let updated = try await session.send("POST", "/policies/authenticationStrengthPolicies/\(id)/updateAllowedCombinations",
                                                 json: ["allowedCombinations": ["fido2", "password,sms"]])
            #expect(updated.status == 200)
            #expect(try updated.json()["currentCombinations"]?.arrayValue?.count == 2)
            let configuration = try await session.send("POST", "/policies/authenticationStrengthPolicies/\(id)/combinationConfigurations", json: [
                "@odata.type": "#microsoft.graph.fido2CombinationConfiguration", "allowedAAGUIDs": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"],
                "appliesToCombinations": ["fido2"],
            ])
            #expect(configuration.status == 201)
            // A combination the configuration applies to cannot be taken away from the strength.
            let narrowed = try await session.send("POST", "/policies/authenticationStrengthPolicies/\(id)/updateAllowedCombinations",
                                                  json: ["allowedCombinations": ["password,sms"]])
            #expect(narrowed.status == 400)
            #expect(try await session.send("PATCH", "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004",
                                           json: ["displayName": "Mine"]).status == 400)

            let policies = try await session.getAll("/identity/conditionalAccess/policies")
            let requiring = try #require(policies.first { $0["grantControls"]?["authenticationStrength"]?["policyType"]?.stringValue == "custom" })
            let used = try #require(requiring["grantControls"]?["authenticationStrength"]?["id"]?.stringValue)
            #expect(requiring["grantControls"]?["authenticationStrength"]?["allowedCombinations"]?.arrayValue != nil)
            #expect(try await session.send("DELETE", "/policies/authenticationStrengthPolicies/\(used)").status == 400)
            #expect(try await session.send("DELETE", "/policies/authenticationStrengthPolicies/\(id)").status == 204)
            #expect(try await session.get("/policies/authenticationStrengthPolicies/\(id)").status == 404)
        }
    }

    @Test("contexts are c1 to c99, written by PATCH; policies must name existing strengths and contexts")
    func contextsAndReferences() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let path = "/identity/conditionalAccess/authenticationContextClassReferences"
            #expect(try await session.send("PATCH", "\(path)/c7", json: ["displayName": "Payroll", "isAvailable": true]).status == 204)
            #expect(try await session.get("\(path)/c7").json()["displayName"]?.stringValue == "Payroll")
            #expect(try await session.send("PATCH", "\(path)/c100", json: ["displayName": "Too far"]).status == 400)
            #expect(try await session.send("PATCH", "\(path)/c8", json: ["description": "no name"]).status == 400)

            let policy: JSONValue = [
                "displayName": "Needs a strength", "state": "disabled",
                "conditions": ["users": ["includeUsers": ["All"]], "applications": ["includeApplications": ["All"]]],
                "grantControls": ["operator": "OR", "builtInControls": [],
                                  "authenticationStrength": ["id": "6b5a4a4c-0000-4000-8000-000000000000"]],
            ]
            #expect(try await session.send("POST", "/identity/conditionalAccess/policies", json: policy).status == 400)
            let builtIn: JSONValue = [
                "displayName": "Needs phishing-resistant MFA", "state": "disabled",
                "conditions": ["users": ["includeUsers": ["All"]], "applications": ["includeAuthenticationContextClassReferences": ["c7"]]],
                "grantControls": ["operator": "OR", "builtInControls": [],
                                  "authenticationStrength": ["id": "00000000-0000-0000-0000-000000000004"]],
            ]
            let created = try await session.send("POST", "/identity/conditionalAccess/policies", json: builtIn)
            #expect(created.status == 201)
            #expect(try created.json()["grantControls"]?["authenticationStrength"]?["displayName"]?.stringValue == "Phishing resistant MFA")
        }
    }
}
