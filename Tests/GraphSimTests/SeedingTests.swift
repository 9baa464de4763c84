import Foundation
@testable import GraphSim
import Logging
import Testing

@Suite("Deterministic seeding")
struct SeedingTests {
    static func simulator(_ tenants: [TenantSpecification]) throws -> GraphSimulator {
        try GraphSimulator(configuration: .init(tenants: tenants), logger: Logger(label: "test"))
    }

    @Test("the same seed and profile give the same tenant; another seed gives another")
    func deterministic() throws {
        let first = try Self.simulator([TenantSpecification(name: "contoso", profile: .small, seed: 7)])
        let second = try Self.simulator([TenantSpecification(name: "contoso", profile: .small, seed: 7)])
        let third = try Self.simulator([TenantSpecification(name: "contoso", profile: .small, seed: 8)])
        func comparable(_ state: JSONObject) -> JSONObject {
            // Timestamps follow the simulated clock, which is real time at seeding.
            var objects = state["objects"]?.objectValue ?? [:]
            objects["directoryAudit"] = nil
            return ["objects": .object(objects.filter { $0 != "user" && $0 != "device" }), "ids": .strings(
                (state["objects"]?["user"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })]
        }
        let a = try first.state(tenant: "contoso")
        let b = try second.state(tenant: "contoso")
        let c = try third.state(tenant: "contoso")
        #expect(a["tenantId"] == b["tenantId"])
        #expect(a["relationships"] == b["relationships"])
        #expect(comparable(a)["ids"] == comparable(b)["ids"])
        #expect(comparable(a)["ids"] != comparable(c)["ids"])
        #expect(a["tenantId"] != c["tenantId"])
    }

    @Test("a small tenant has every type the backup catalogue covers, with references that resolve")
    func everyTypeWithResolvableReferences() throws {
        let simulator = try Self.simulator([TenantSpecification(name: "contoso", profile: .small, seed: 1)])
        let state = try simulator.state(tenant: "contoso")
        let objects = state["objects"]?.objectValue ?? [:]
        for type in ["user", "group", "application", "servicePrincipal", "device", "administrativeUnit", "directoryRole",
                     "appRoleAssignment", "oAuth2PermissionGrant", "conditionalAccessPolicy", "namedLocation",
                     "unifiedRoleDefinition", "unifiedRoleAssignment", "groupSetting", "groupLifecyclePolicy", "domain",
                     "organization", "subscribedSku", "claimsMappingPolicy", "tokenLifetimePolicy", "tokenIssuancePolicy",
                     "authenticationMethodsPolicy", "authorizationPolicy", "crossTenantAccessPolicy",
                     "crossTenantAccessPolicyConfigurationDefault", "crossTenantAccessPolicyConfigurationPartner"] {
            #expect((objects[type]?.arrayValue?.count ?? 0) > 0, "no \(type) seeded")
        }
        let children = state["children"]?.objectValue ?? [:]
        for type in ["authenticationMethod", "extensionProperty", "scopedRoleMembership"] {
            #expect((children[type]?.objectValue?.count ?? 0) > 0, "no \(type) seeded")
        }
        func ids(_ type: String) -> Set<String> {
            Set((objects[type]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
        }
        let users = ids("user")
        let groups = ids("group")
        let locations = ids("namedLocation")
        let roles = ids("unifiedRoleDefinition")
        let appIds = Set((objects["application"]?.arrayValue ?? []).compactMap { $0["appId"]?.stringValue })
        for policy in objects["conditionalAccessPolicy"]?.arrayValue ?? [] {
            let conditions = policy["conditions"]
            for id in (conditions?["users"]?["includeUsers"]?.stringArray ?? []) + (conditions?["users"]?["excludeUsers"]?.stringArray ?? [])
            where !["All", "None", "GuestsOrExternalUsers"].contains(id) {
                #expect(users.contains(id), "policy references unknown user \(id)")
            }
            for id in (conditions?["users"]?["includeGroups"]?.stringArray ?? []) + (conditions?["users"]?["excludeGroups"]?.stringArray ?? []) {
                #expect(groups.contains(id), "policy references unknown group \(id)")
            }
            for id in conditions?["users"]?["includeRoles"]?.stringArray ?? [] {
                #expect(roles.contains(id), "policy references unknown role \(id)")
            }
            for id in (conditions?["locations"]?["includeLocations"]?.stringArray ?? []) + (conditions?["locations"]?["excludeLocations"]?.stringArray ?? [])
            where id != "All" && id != "AllTrusted" {
                #expect(locations.contains(id), "policy references unknown named location \(id)")
            }
            for id in conditions?["applications"]?["includeApplications"]?.stringArray ?? [] where id != "All" {
                #expect(appIds.contains(id), "policy references unknown application \(id)")
            }
        }
        let members = state["relationships"]?["members"]?.objectValue ?? [:]
        #expect(members.count > 0)
        #expect((state["deletedItems"]?["user"]?.arrayValue ?? []).isEmpty == false)
    }

    @Test("a 100,000-user tenant seeds with its proportions")
    func largeTenant() throws {
        let simulator = try Self.simulator([TenantSpecification(name: "woodgrove", profile: .large, seed: 3)])
        let tenant = try #require(simulator.tenant(named: "woodgrove"))
        let counts = tenant.withDirectory { directory in
            (directory.collection(.user).count, directory.collection(.group).count,
             directory.collection(.device).count, directory.memberships.edgeCount)
        }
        #expect(counts.0 > 99_000)
        #expect(counts.1 > 3_900)
        #expect(counts.2 == 60_000)
        #expect(counts.3 > 200_000)
        #expect(tenant.sizeClass == .large)
    }
}
