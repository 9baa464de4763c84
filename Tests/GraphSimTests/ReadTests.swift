import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

@Suite("Graph reads over HTTP")
struct ReadTests {
    @Test("lists users in pages through opaque skip tokens, every user once, with the default property set")
    func pagedUsers() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let first = try await session.get("/users?$top=5")
            #expect(first.status == 200)
            let page = try first.json()
            #expect(page.items.count == 5)
            let next = try #require(page["@odata.nextLink"]?.stringValue)
            #expect(next.hasPrefix(fixture.baseURL + "/v1.0/users?"))
            #expect(next.contains("$skiptoken="))
            let keys = Set(page.items[0].objectValue?.keys ?? [])
            #expect(keys == Set(ResourceType.user.defaultProperties ?? []))
            #expect(page["@odata.context"]?.stringValue == fixture.baseURL + "/v1.0/$metadata#users")

            let all = try await session.getAll("/users?$top=7")
            let ids = all.compactMap { $0["id"]?.stringValue }
            let state = try fixture.simulator.state(tenant: fixture.tenant.id)
            let expected = (state["objects"]?["user"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            #expect(ids == expected)
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test("$select, $top maximum, $skip and unknown properties are answered as Graph does")
    func queryOptions() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let selected = try await session.get("/users?$select=id,displayName,accountEnabled&$top=3").json()
            #expect(selected["@odata.context"]?.stringValue?.hasSuffix("#users(id,displayName,accountEnabled)") == true)
            for user in selected.items {
                #expect(user.objectValue?.keys == ["id", "displayName", "accountEnabled"])
                #expect(user["accountEnabled"]?.boolValue != nil)
            }
            let tooMany = try await session.get("/users?$top=1000")
            #expect(tooMany.status == 400)
            #expect(tooMany.errorCode == "Request_BadRequest")
            let skip = try await session.get("/users?$skip=2")
            #expect(skip.status == 400)
            let unknown = try await session.get("/users?$select=id,favouriteColour")
            #expect(unknown.status == 400)
            #expect(try unknown.json()["error"]?["message"]?.stringValue?.contains("favouriteColour") == true)
        }
    }

    @Test("$filter forms a backup and restore tool uses")
    func filters() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let users = try await session.getAll("/users?$select=id,displayName,userPrincipalName,accountEnabled,userType")
            let admin = try #require(users.first { $0["displayName"]?.stringValue == "MOD Administrator" })
            let adminId = try #require(admin["id"]?.stringValue)

            let byId = try await session.get("/users?$filter=id eq '\(adminId)'").json()
            #expect(byId.items.count == 1)
            let several = users.prefix(3).compactMap { $0["id"]?.stringValue }
            let inList = try await session.get("/users?$filter=id in ('\(several.joined(separator: "','"))')").json()
            #expect(Set(inList.items.compactMap { $0["id"]?.stringValue }) == Set(several))

            let prefixed = try await session.getAll("/users?$filter=startswith(displayName,'mod')&$select=id,displayName")
            #expect(prefixed.map { $0["id"]?.stringValue } == [adminId])
            let equal = try await session.getAll("/users?$filter=displayName eq 'MOD Administrator'")
            #expect(equal.count == 1)
            let guests = try await session.getAll("/users?$filter=userType eq 'Guest'&$select=id,userType")
            #expect(guests.count == users.filter { $0["userType"]?.stringValue == "Guest" }.count)
            let disabled = try await session.getAll("/users?$filter=accountEnabled eq false&$select=id")
            #expect(disabled.count == users.filter { $0["accountEnabled"]?.boolValue == false }.count)

            let unified = try await session.getAll("/groups?$filter=groupTypes/any(c:c eq 'Unified')&$select=id,groupTypes")
            #expect(!unified.isEmpty)
            #expect(unified.allSatisfy { $0["groupTypes"]?.stringArray.contains("Unified") == true })

            // ne needs the advanced query headers.
            let ne = try await session.get("/users?$filter=userType ne 'Guest'")
            #expect(ne.status == 400)
            #expect(ne.errorCode == "Request_UnsupportedQuery")
            let advanced = try await session.get("/users?$filter=userType ne 'Guest'&$count=true&$select=id",
                                                 headers: [("ConsistencyLevel", "eventual")])
            #expect(advanced.status == 200)
            #expect(try advanced.json()["@odata.count"]?.intValue == users.count - guests.count)
        }
    }

    @Test("$count needs ConsistencyLevel eventual; /users/$count is plain text")
    func counting() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let total = try await session.getAll("/users?$select=id").count
            let refused = try await session.get("/users?$count=true")
            #expect(refused.status == 400)
            #expect(refused.errorCode == "Request_BadRequest")
            let counted = try await session.get("/users?$count=true&$top=2", headers: [("ConsistencyLevel", "eventual")]).json()
            #expect(counted["@odata.count"]?.intValue == total)
            let next = try #require(counted["@odata.nextLink"]?.stringValue)
            let second = try await session.get(next, headers: [("ConsistencyLevel", "eventual")]).json()
            #expect(second["@odata.count"] == nil, "@odata.count is on the first page only")
            let text = try await session.get("/users/$count", headers: [("ConsistencyLevel", "eventual")])
            #expect(text.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(Int(text.text) == total)
            #expect(try await session.get("/users/$count").status == 400)
        }
    }

    @Test("errors carry the documented shape and request ids are echoed")
    func errorShape() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let clientRequestId = UUID().uuidString.lowercased()
            let missing = try await session.get("/users/00000000-0000-0000-0000-000000000001",
                                                headers: [("client-request-id", clientRequestId)])
            #expect(missing.status == 404)
            let error = try missing.json()["error"]
            #expect(error?["code"]?.stringValue == "Request_ResourceNotFound")
            #expect(error?["message"]?.stringValue == "Resource '00000000-0000-0000-0000-000000000001' does not exist or one of its queried reference-property objects are not present.")
            #expect(error?["innerError"]?["client-request-id"]?.stringValue == clientRequestId)
            #expect(error?["innerError"]?["request-id"]?.stringValue == missing.header("request-id"))
            #expect(error?["innerError"]?["date"]?.stringValue?.count == 19)
            #expect(missing.header("client-request-id") == clientRequestId)
            let unknownSegment = try await session.get("/nonsense")
            #expect(unknownSegment.status == 400)
            #expect(try await session.send("PUT", "/users").status == 405)
        }
    }

    @Test("relationship endpoints: members, owners, memberOf, transitive members, manager, direct reports")
    func relationships() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let state = try fixture.simulator.state(tenant: fixture.tenant.id)
            let members = state["relationships"]?["members"]?.objectValue ?? [:]
            let groups = state["objects"]?["group"]?.arrayValue ?? []
            let group = try #require(groups.first { group in
                (members[group["id"]?.stringValue ?? ""]?.stringArray.count ?? 0) > 3
            })
            let groupId = try #require(group["id"]?.stringValue)
            let listed = try await session.getAll("/groups/\(groupId)/members?$top=2")
            let memberIds = listed.compactMap { $0["id"]?.stringValue }
            let liveUsers = Set((state["objects"]?["user"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            let expected = members[groupId]?.stringArray.filter { liveUsers.contains($0) || !$0.isEmpty } ?? []
            #expect(Set(memberIds).isSubset(of: Set(expected)))
            #expect(listed.allSatisfy { $0["@odata.type"]?.stringValue?.hasPrefix("#microsoft.graph.") == true })
            let users = try await session.getAll("/groups/\(groupId)/members/microsoft.graph.user?$select=id,displayName")
            #expect(users.allSatisfy { $0["@odata.type"]?.stringValue == "#microsoft.graph.user" })

            let memberId = try #require(users.first?["id"]?.stringValue)
            let memberOf = try await session.getAll("/users/\(memberId)/memberOf")
            #expect(memberOf.contains { $0["id"]?.stringValue == groupId })
            let transitive = try await session.get("/groups/\(groupId)/transitiveMembers")
            #expect(transitive.status == 200)
            #expect(transitive.header("x-ms-resource-unit") == "5")
            #expect(try await session.get("/groups/\(groupId)/members").header("x-ms-resource-unit") == "3")

            let managers = state["relationships"]?["manager"]?.objectValue ?? [:]
            let managed = try #require(managers.first)
            let manager = try await session.get("/users/\(managed.key)/manager").json()
            #expect(manager["id"]?.stringValue == managed.value.stringValue)
            #expect(manager["@odata.type"]?.stringValue == "#microsoft.graph.user")
            let reports = try await session.getAll("/users/\(managed.value.stringValue ?? "")/directReports")
            #expect(reports.contains { $0["id"]?.stringValue == managed.key })
            let owners = try await session.get("/groups/\(groupId)/owners")
            #expect(owners.status == 200)
        }
    }

    @Test("applications, service principals and their sub-resources")
    func applicationsAndServicePrincipals() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let apps = try await session.getAll("/applications")
            let app = try #require(apps.first { $0["displayName"]?.stringValue == fixture.application.displayName })
            let appId = try #require(app["appId"]?.stringValue)
            #expect(appId == fixture.application.clientId)
            let byAppId = try await session.get("/applications(appId='\(appId)')").json()
            #expect(byAppId["id"] == app["id"])
            #expect(try await session.get("/applications").header("x-ms-resource-unit") == "2")

            let sp = try await session.get("/servicePrincipals(appId='\(appId)')").json()
            let spId = try #require(sp["id"]?.stringValue)
            let assignments = try await session.getAll("/servicePrincipals/\(spId)/appRoleAssignments")
            #expect(assignments.count == TestSupport.allPermissions.count)
            let graph = try await session.get("/servicePrincipals(appId='\(WellKnown.microsoftGraphAppId)')").json()
            let graphId = try #require(graph["id"]?.stringValue)
            let assignedTo = try await session.getAll("/servicePrincipals/\(graphId)/appRoleAssignedTo?$top=999")
            #expect(assignedTo.contains { $0["principalId"]?.stringValue == spId })
            let grants = try await session.getAll("/oauth2PermissionGrants")
            #expect(grants.allSatisfy { $0["@odata.id"]?.stringValue?.contains("/oauth2PermissionGrants/") == true })

            let state = try fixture.simulator.state(tenant: fixture.tenant.id)
            let credentials = state["children"]?["federatedIdentityCredential"]?.objectValue ?? [:]
            if let (parent, list) = credentials.first.map({ ($0.key, $0.value) }) {
                let listed = try await session.getAll("/applications/\(parent)/federatedIdentityCredentials")
                #expect(listed.count == list.arrayValue?.count)
            }
            let extensionApp = try #require(state["children"]?["extensionProperty"]?.objectValue?.first?.key)
            let extensions = try await session.get("/applications/\(extensionApp)/extensionProperties")
            #expect(extensions.status == 200)
            #expect(!(try extensions.json().items.isEmpty))

            // The key of a key credential is returned only with $select=keyCredentials.
            let withKeys = try await session.getAll("/applications?$select=id,keyCredentials")
            let keyed = withKeys.flatMap { $0["keyCredentials"]?.arrayValue ?? [] }
            #expect(keyed.allSatisfy { !($0["key"]?.isNull ?? true) })
            let withoutKeys = apps.flatMap { $0["keyCredentials"]?.arrayValue ?? [] }
            #expect(withoutKeys.allSatisfy { $0["key"]?.isNull ?? true })
        }
    }

    @Test("policies, roles, administrative units, devices and tenant objects")
    func catalogueTypes() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            for path in ["/identity/conditionalAccess/policies", "/identity/conditionalAccess/namedLocations",
                         "/roleManagement/directory/roleDefinitions", "/roleManagement/directory/roleAssignments",
                         "/directoryRoles", "/directoryRoleTemplates", "/directory/administrativeUnits", "/devices",
                         "/organization", "/domains", "/groupSettings", "/groupLifecyclePolicies", "/subscribedSkus",
                         "/policies/claimsMappingPolicies", "/policies/tokenLifetimePolicies",
                         "/policies/tokenIssuancePolicies", "/policies/crossTenantAccessPolicy/partners",
                         "/auditLogs/directoryAudits"] {
                let response = try await session.get(path)
                #expect(response.status == 200, "GET \(path) answered \(response.status): \(response.text)")
                #expect(!(try response.json().items.isEmpty), "GET \(path) returned no items")
            }
            for path in ["/policies/authenticationMethodsPolicy", "/policies/authorizationPolicy",
                         "/policies/crossTenantAccessPolicy", "/policies/crossTenantAccessPolicy/default",
                         "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2"] {
                let response = try await session.get(path)
                #expect(response.status == 200, "GET \(path) answered \(response.status)")
                #expect(try response.json()["@odata.context"] != nil)
            }
            let roles = try await session.get("/directoryRoles").json()
            let role = try #require(roles.items.first { $0["roleTemplateId"]?.stringValue == WellKnown.globalAdministratorTemplate })
            let roleMembers = try await session.getAll("/directoryRoles/\(role["id"]?.stringValue ?? "")/members")
            #expect(roleMembers.count >= 2)
            let byTemplate = try await session.get("/directoryRoles(roleTemplateId='\(WellKnown.globalAdministratorTemplate)')").json()
            #expect(byTemplate["id"] == role["id"])

            let units = try await session.get("/directory/administrativeUnits").json()
            let unitId = try #require(units.items.first?["id"]?.stringValue)
            #expect(!(try await session.getAll("/directory/administrativeUnits/\(unitId)/members").isEmpty))
            let scoped = try await session.get("/directory/administrativeUnits/\(unitId)/scopedRoleMembers").json()
            #expect(scoped.items.first?["roleMemberInfo"]?["id"] != nil)
            let assignments = try await session.getAll("/roleManagement/directory/roleAssignments")
            #expect(assignments.contains { $0["directoryScopeId"]?.stringValue == "/administrativeUnits/\(unitId)" })

            let users = try await session.getAll("/users?$select=id,displayName")
            let admin = try #require(users.first { $0["displayName"]?.stringValue == "MOD Administrator" })
            let methods = try await session.get("/users/\(admin["id"]?.stringValue ?? "")/authentication/methods").json()
            let types = Set(methods.items.compactMap { $0["@odata.type"]?.stringValue })
            #expect(types.contains("#microsoft.graph.fido2AuthenticationMethod"))
            #expect(types.contains("#microsoft.graph.passwordAuthenticationMethod"))
            let phones = try await session.get("/users/\(admin["id"]?.stringValue ?? "")/authentication/phoneMethods").json()
            #expect(!phones.items.isEmpty)
            #expect(phones.items.allSatisfy { $0["@odata.type"]?.stringValue == "#microsoft.graph.phoneAuthenticationMethod" })
            let expanded = try await session.get("/groups?$expand=members&$top=5&$select=id,displayName").json()
            #expect(expanded.items.allSatisfy { $0["members"]?.arrayValue != nil })
            #expect(expanded.items.contains { !($0["members"]?.arrayValue?.isEmpty ?? true) })
            let organization = try #require(try await session.get("/organization").json().items.first?["id"]?.stringValue)
            // Branding is readable with application permissions (Organization.Read.All among them).
            #expect(try await session.get("/organization/\(organization)/branding").status == 200)
        }
    }

    @Test("an app without a permission gets 403 Authorization_RequestDenied")
    func missingPermission() async throws {
        try await TestSupport.withFixture(permissions: ["User.Read.All"]) { fixture in
            let session = try await fixture.session()
            #expect(try await session.get("/users").status == 200)
            let denied = try await session.get("/groups")
            #expect(denied.status == 403)
            #expect(denied.errorCode == "Authorization_RequestDenied")
            #expect(try denied.json()["error"]?["message"]?.stringValue == "Insufficient privileges to complete the operation.")
            #expect(try await session.get("/identity/conditionalAccess/policies").status == 403)
        }
    }

    @Test("deleted items need the type cast, list and get by id")
    func deletedItems() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let uncast = try await session.get("/directory/deletedItems")
            #expect(uncast.status == 400)
            let deleted = try await session.get("/directory/deletedItems/microsoft.graph.user").json()
            #expect(!deleted.items.isEmpty)
            let first = try #require(deleted.items.first)
            #expect(first["deletedDateTime"]?.stringValue != nil)
            let item = try await session.get("/directory/deletedItems/\(first["id"]?.stringValue ?? "")").json()
            #expect(item["@odata.type"]?.stringValue == "#microsoft.graph.user")
            let counted = try await session.get("/directory/deletedItems/microsoft.graph.group?$count=true&$select=id,displayName,deletedDateTime",
                                                headers: [("ConsistencyLevel", "eventual")]).json()
            #expect(counted["@odata.count"]?.intValue == counted.items.count)
        }
    }
}
