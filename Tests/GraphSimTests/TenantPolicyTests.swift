import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// Security defaults, consent policies, domain federation, identity providers, cross-tenant user
/// sync and the multitenant organization: the documented bodies and Graph's write rules.
@Suite("Tenant policies")
struct TenantPolicyTests {
    @Test("the documented examples")
    func fidelity() async throws {
        // A hybrid (200-user) tenant federates its primary domain and belongs to a multitenant organization.
        try await TestSupport.withFixture(tenants: [TenantSpecification(name: "contoso", profile: SeedProfile(name: "hybrid", users: 200), seed: 1)],
                                          permissions: TestSupport.allPermissions + ["IdentityProvider.Read.All", "MultiTenantOrganization.Read.All"]) { fixture in
            let session = try await fixture.session()
            try FidelityTests.expectFaithful("securitydefaults-get.json",
                                             try await session.get("/policies/identitySecurityDefaultsEnforcementPolicy").json())
            try FidelityTests.expectFaithful("adminconsentrequestpolicy-get.json", try await session.get("/policies/adminConsentRequestPolicy").json())
            // SOURCES.md: these examples have no @odata.context.
            try FidelityTests.expectFaithful("permissiongrantpolicies-list.json", try await session.get("/policies/permissionGrantPolicies").json(),
                                             allowContext: true)
            let domains = try await session.getAll("/domains")
            let federated = try #require(domains.first { $0["authenticationType"]?.stringValue == "Federated" }?["id"]?.stringValue)
            try FidelityTests.expectFaithful("domain-federationconfiguration-list.json",
                                             try await session.get("/domains/\(federated)/federationConfiguration").json(), allowContext: true)
            let partners = try await session.getAll("/policies/crossTenantAccessPolicy/partners")
            let partner = try #require(partners.first?["tenantId"]?.stringValue)
            try FidelityTests.expectFaithful("crosstenantidentitysyncpolicypartner-get.json",
                                             try await session.get("/policies/crossTenantAccessPolicy/partners/\(partner)/identitySynchronization").json(),
                                             allowContext: true)
            try FidelityTests.expectFaithful("multitenantorganization-get.json",
                                             try await session.get("/tenantRelationships/multiTenantOrganization").json())
            // SOURCES.md: the example's first @odata.type lacks Graph's leading '#'.
            guard case .object(var sample) = try FidelityTests.sample("identityproviders-list.json"),
                  case .array(var providers)? = sample["value"], case .object(var first) = providers[0] else {
                Issue.record("identityproviders-list.json has an unexpected shape"); return
            }
            first["@odata.type"] = "#microsoft.graph.builtInIdentityProvider"
            providers[0] = .object(first)
            sample["value"] = .array(providers)
            let problems = FidelityTests.mismatches(.object(sample), try await session.get("/identity/identityProviders").json())
            #expect(problems.isEmpty, "identityproviders-list.json: \(problems)")
        }
    }

    @Test("writes: security defaults by PATCH, the consent request policy by PUT only, federation on verified domains, sync by PUT and DELETE")
    func writes() async throws {
        try await TestSupport.withFixture(permissions: TestSupport.allPermissions + [
            "Policy.ReadWrite.SecurityDefaults", "Policy.ReadWrite.ConsentRequest", "Policy.ReadWrite.PermissionGrant",
            "Domain.ReadWrite.All", "IdentityProvider.ReadWrite.All",
        ]) { fixture in
            let session = try await fixture.session()
            #expect(try await session.send("PATCH", "/policies/identitySecurityDefaultsEnforcementPolicy", json: ["isEnabled": true]).status == 204)
            #expect(try await session.get("/policies/identitySecurityDefaultsEnforcementPolicy").json()["isEnabled"] == true)
            #expect(try await session.send("PATCH", "/policies/adminConsentRequestPolicy", json: ["isEnabled": false]).status == 405)
            #expect(try await session.send("PUT", "/policies/adminConsentRequestPolicy", json: [
                "isEnabled": true, "notifyReviewers": true, "remindersEnabled": false, "requestDurationInDays": 14, "reviewers": [],
            ]).status == 204)

            let created = try await session.send("POST", "/policies/permissionGrantPolicies", json: [
                "id": "my-custom-consent-policy", "displayName": "Custom consent policy", "description": "Low risk only",
            ])
            #expect(created.status == 201)
            let condition = try await session.send("POST", "/policies/permissionGrantPolicies/my-custom-consent-policy/includes", json: [
                "permissionType": "delegated", "permissionClassification": "low",
            ])
            #expect(condition.status == 201)
            #expect(try condition.json()["clientApplicationIds"]?.arrayValue?.first == "all")
            #expect(try await session.send("PATCH", "/policies/permissionGrantPolicies/microsoft-company-admin", json: ["displayName": "Mine"]).status == 400)

            let domains = try await session.getAll("/domains")
            let initial = try #require(domains.first { $0["isInitial"] == true }?["id"]?.stringValue)
            let federation: JSONValue = [
                "@odata.type": "#microsoft.graph.internalDomainFederation", "displayName": "Attacker IdP",
                "issuerUri": "http://evil.example/adfs/services/trust", "signingCertificate": "MIIDfake",
                "passiveSignInUri": "https://evil.example/adfs/ls",
            ]
            #expect(try await session.send("POST", "/domains/\(initial)/federationConfiguration", json: federation).status == 400)
            let verified = try #require(domains.first { $0["isVerified"] == true && $0["isInitial"] == false }?["id"]?.stringValue)
            let added = try await session.send("POST", "/domains/\(verified)/federationConfiguration", json: federation)
            #expect(added.status == 201)
            #expect(try await session.get("/domains/\(verified)").json()["authenticationType"]?.stringValue == "Federated")
            let id = try #require(try added.json()["id"]?.stringValue)
            #expect(try await session.send("DELETE", "/domains/\(verified)/federationConfiguration/\(id)").status == 204)
            #expect(try await session.get("/domains/\(verified)").json()["authenticationType"]?.stringValue == "Managed")

            let partner = try #require(try await session.getAll("/policies/crossTenantAccessPolicy/partners").last?["tenantId"]?.stringValue)
            let path = "/policies/crossTenantAccessPolicy/partners/\(partner)/identitySynchronization"
            _ = try await session.send("DELETE", path)
            #expect(try await session.get(path).status == 404)
            #expect(try await session.send("PUT", path, json: ["displayName": "Partner", "userSyncInbound": ["isSyncAllowed": true]]).status == 204)
            #expect(try await session.get(path).json()["userSyncInbound"]?["isSyncAllowed"] == true)
            #expect(try await session.send("DELETE", path).status == 204)

            let provider = try await session.send("POST", "/identity/identityProviders", json: [
                "@odata.type": "#microsoft.graph.socialIdentityProvider", "displayName": "Login with Amazon",
                "identityProviderType": "Amazon", "clientId": "56433757-cadd-4135-8431-2c9e3fd68ae8", "clientSecret": "000000000000",
            ])
            #expect(provider.status == 201)
            #expect(try provider.json()["clientSecret"]?.stringValue == "******")
        }
    }
}
