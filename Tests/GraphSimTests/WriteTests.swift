import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

@Suite("Writes, deleted items and the audit log")
struct WriteTests {
    @Test("creating users and groups assigns ids; required, unknown and read-only properties are checked")
    func createUsersAndGroups() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let domain = fixture.tenant.name + ".com"
            let user: JSONValue = [
                "accountEnabled": true, "displayName": "Restored Person", "mailNickname": "restored.person",
                "userPrincipalName": .string("restored.person@\(domain)"),
                "passwordProfile": ["forceChangePasswordNextSignIn": true, "password": "xWwvJ]6NMw+bWH-d"],
            ]
            let created = try await session.send("POST", "/users", json: user)
            #expect(created.status == 201)
            let id = try #require(try created.json()["id"]?.stringValue)
            #expect(try created.json()["@odata.context"]?.stringValue?.hasSuffix("#users/$entity") == true)
            #expect(try await session.get("/users/\(id)").status == 200)

            let duplicate = try await session.send("POST", "/users", json: user)
            #expect(duplicate.status == 400)
            var missingPassword = user
            if case .object(var fields) = missingPassword {
                fields["passwordProfile"] = nil
                fields["userPrincipalName"] = .string("other@\(domain)")
                missingPassword = .object(fields)
            }
            #expect(try await session.send("POST", "/users", json: missingPassword).status == 400)
            let badDomain: JSONValue = ["accountEnabled": true, "displayName": "X", "mailNickname": "x",
                                        "userPrincipalName": "x@unverified.example", "passwordProfile": ["password": "Passw0rd!Passw0rd"]]
            #expect(try await session.send("POST", "/users", json: badDomain).status == 400)
            let readOnly = try await session.send("PATCH", "/users/\(id)", json: ["createdDateTime": "2001-01-01T00:00:00Z"])
            #expect(readOnly.status == 400)
            #expect(try readOnly.json()["error"]?["message"]?.stringValue == "Property 'createdDateTime' is read-only and cannot be set.")
            let unknown = try await session.send("PATCH", "/users/\(id)", json: ["shoeSize": 44])
            #expect(unknown.status == 400)
            #expect(try await session.send("PATCH", "/users/\(id)", json: ["jobTitle": "Restorer", "id": .string(id)]).status == 204)
            #expect(try await session.get("/users/\(id)?$select=jobTitle").json()["jobTitle"]?.stringValue == "Restorer")

            let group: JSONValue = ["displayName": "Restored Team", "mailEnabled": true, "mailNickname": "restoredteam",
                                    "securityEnabled": false, "groupTypes": ["Unified"],
                                    "members@odata.bind": .strings(["https://graph.microsoft.com/v1.0/directoryObjects/\(id)"])]
            let createdGroup = try await session.send("POST", "/groups", json: group)
            #expect(createdGroup.status == 201)
            let groupId = try #require(try createdGroup.json()["id"]?.stringValue)
            #expect(try createdGroup.json()["mail"]?.stringValue == "restoredteam@\(domain)")
            let members = try await session.getAll("/groups/\(groupId)/members")
            #expect(members.map { $0["id"]?.stringValue } == [id])
            let assignable = try await session.send("PATCH", "/groups/\(groupId)", json: ["isAssignableToRole": true])
            #expect(assignable.status == 400)
        }
    }

    @Test("members through $ref and members@odata.bind (at most 20, all or nothing)")
    func memberships() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let users = try await session.getAll("/users?$select=id&$filter=userType eq 'Member'").compactMap { $0["id"]?.stringValue }
            let created = try await session.send("POST", "/groups", json: [
                "displayName": "Restore target", "mailEnabled": false, "mailNickname": "restore-target", "securityEnabled": true,
            ])
            let group = try #require(try created.json()["id"]?.stringValue)
            let reference: JSONValue = ["@odata.id": .string("https://graph.microsoft.com/v1.0/directoryObjects/\(users[0])")]
            #expect(try await session.send("POST", "/groups/\(group)/members/$ref", json: reference).status == 204)
            let again = try await session.send("POST", "/groups/\(group)/members/$ref", json: reference)
            #expect(again.status == 400)
            let missing = try await session.send("POST", "/groups/\(group)/members/$ref",
                                                 json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-0000-0000-00000000abcd"])
            #expect(missing.status == 404)

            let binds = users.dropFirst().prefix(21).map { "https://graph.microsoft.com/v1.0/directoryObjects/\($0)" }
            #expect(binds.count == 21)
            let tooMany = try await session.send("PATCH", "/groups/\(group)", json: ["members@odata.bind": .strings(Array(binds))])
            #expect(tooMany.status == 400)
            // One bad reference fails the whole request.
            let mixed = Array(binds.prefix(5)) + ["https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-0000-0000-00000000abcd"]
            #expect(try await session.send("PATCH", "/groups/\(group)", json: ["members@odata.bind": .strings(mixed)]).status == 404)
            #expect(try await session.getAll("/groups/\(group)/members").count == 1)
            #expect(try await session.send("PATCH", "/groups/\(group)", json: ["members@odata.bind": .strings(Array(binds.prefix(20)))]).status == 204)
            #expect(try await session.getAll("/groups/\(group)/members").count == 21)
            #expect(try await session.send("DELETE", "/groups/\(group)/members/\(users[0])/$ref").status == 204)
            #expect(try await session.send("DELETE", "/groups/\(group)/members/\(users[0])/$ref").status == 404)

            // Dynamic groups do not take manual members.
            let groups = try await session.getAll("/groups?$select=id,groupTypes")
            let dynamic = try #require(groups.first { $0["groupTypes"]?.stringArray.contains("DynamicMembership") == true }?["id"]?.stringValue)
            #expect(try await session.send("POST", "/groups/\(dynamic)/members/$ref", json: reference).status == 400)

            // Manager.
            #expect(try await session.send("PUT", "/users/\(users[1])/manager/$ref",
                                           json: ["@odata.id": .string("https://graph.microsoft.com/v1.0/users/\(users[2])")]).status == 204)
            #expect(try await session.get("/users/\(users[1])/manager").json()["id"]?.stringValue == users[2])
            #expect(try await session.send("DELETE", "/users/\(users[1])/manager/$ref").status == 204)
            #expect(try await session.get("/users/\(users[1])/manager").status == 404)
        }
    }

    @Test("applications get a server-assigned appId; service principals, app role assignments and grants")
    func applications() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let created = try await session.send("POST", "/applications", json: [
                "displayName": "Recreated app",
                "appRoles": [["allowedMemberTypes": ["User"], "description": "Reader", "displayName": "Reader",
                              "id": "8c6a3bf5-6f4a-4f44-9f71-5d4b7f2d0a11", "isEnabled": true, "value": "Reader"]],
            ])
            #expect(created.status == 201)
            let app = try created.json()
            let appId = try #require(app["appId"]?.stringValue)
            #expect(app["id"]?.stringValue != appId)
            #expect(try await session.send("POST", "/applications", json: ["displayName": "x", "appId": "11111111-1111-1111-1111-111111111111"]).status == 400)
            let secretOnCreate = try await session.send("POST", "/applications", json: [
                "displayName": "x", "passwordCredentials": [["displayName": "s"]],
            ])
            #expect(secretOnCreate.status == 400)

            let sp = try await session.send("POST", "/servicePrincipals", json: ["appId": .string(appId)])
            #expect(sp.status == 201)
            let spId = try #require(try sp.json()["id"]?.stringValue)
            #expect(try await session.send("POST", "/servicePrincipals", json: ["appId": .string(appId)]).status == 409)

            let user = try #require(try await session.getAll("/users?$select=id&$top=1").first?["id"]?.stringValue)
            let assignment = try await session.send("POST", "/servicePrincipals/\(spId)/appRoleAssignedTo", json: [
                "principalId": .string(user), "resourceId": .string(spId), "appRoleId": "8c6a3bf5-6f4a-4f44-9f71-5d4b7f2d0a11",
            ])
            #expect(assignment.status == 201)
            let assignmentId = try #require(try assignment.json()["id"]?.stringValue)
            #expect(try assignment.json()["principalType"]?.stringValue == "User")
            let listed = try await session.getAll("/users/\(user)/appRoleAssignments")
            #expect(listed.contains { $0["id"]?.stringValue == assignmentId })
            #expect(try await session.send("DELETE", "/servicePrincipals/\(spId)/appRoleAssignedTo/\(assignmentId)").status == 204)

            let graph = try await session.get("/servicePrincipals(appId='\(WellKnown.microsoftGraphAppId)')").json()
            let grant = try await session.send("POST", "/oauth2PermissionGrants", json: [
                "clientId": .string(spId), "consentType": "AllPrincipals", "resourceId": graph["id"] ?? .null,
                "scope": "User.Read Group.Read.All",
            ])
            #expect(grant.status == 201)
            #expect(try await session.send("POST", "/oauth2PermissionGrants", json: [
                "clientId": .string(spId), "consentType": "AllPrincipals", "resourceId": graph["id"] ?? .null, "scope": "User.Read",
            ]).status == 409)

            let password = try await session.send("POST", "/applications/\(try #require(app["id"]?.stringValue))/addPassword",
                                                  json: ["passwordCredential": ["displayName": "restored secret"]])
            #expect(password.status == 200)
            let secret = try #require(try password.json()["secretText"]?.stringValue)
            #expect(secret.count == 40)
            let readBack = try await session.get("/applications/\(app["id"]?.stringValue ?? "")?$select=passwordCredentials").json()
            #expect(readBack["passwordCredentials"]?.arrayValue?.first?["secretText"]?.isNull == true)

            let credential = try await session.send("POST", "/applications/\(app["id"]?.stringValue ?? "")/federatedIdentityCredentials", json: [
                "name": "deploy", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:org/repo:ref:refs/heads/main",
                "audiences": ["api://AzureADTokenExchange"],
            ])
            #expect(credential.status == 201)
            #expect(try await session.get("/applications/\(app["id"]?.stringValue ?? "")/federatedIdentityCredentials(name='deploy')").status == 200)
        }
    }

    @Test("deleted users keep their id when restored; security groups are deleted for good; purge")
    func deletedItems() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let users = try await session.getAll("/users?$select=id,displayName&$filter=userType eq 'Member'")
            let victim = try #require(users.last?["id"]?.stringValue)
            let memberships = try await session.getAll("/users/\(victim)/memberOf").compactMap { $0["id"]?.stringValue }
            #expect(try await session.send("DELETE", "/users/\(victim)").status == 204)
            #expect(try await session.get("/users/\(victim)").status == 404)
            let deleted = try await session.getAll("/directory/deletedItems/microsoft.graph.user")
            #expect(deleted.contains { $0["id"]?.stringValue == victim })
            let restored = try await session.send("POST", "/directory/deletedItems/\(victim)/restore")
            #expect(restored.status == 200)
            #expect(try restored.json()["id"]?.stringValue == victim)
            #expect(try restored.json()["@odata.type"]?.stringValue == "#microsoft.graph.user")
            let restoredMemberships = try await session.getAll("/users/\(victim)/memberOf").compactMap { $0["id"]?.stringValue }
            #expect(Set(restoredMemberships) == Set(memberships))

            let groups = try await session.getAll("/groups?$select=id,groupTypes,securityEnabled")
            let security = try #require(groups.first {
                $0["groupTypes"]?.stringArray.isEmpty == true && $0["securityEnabled"]?.boolValue == true
            }?["id"]?.stringValue)
            #expect(try await session.send("DELETE", "/groups/\(security)").status == 204)
            let deletedGroups = try await session.getAll("/directory/deletedItems/microsoft.graph.group")
            #expect(!deletedGroups.contains { $0["id"]?.stringValue == security })
            #expect(try await session.send("POST", "/directory/deletedItems/\(security)/restore").status == 404)

            let unified = try #require(groups.first { $0["groupTypes"]?.stringArray.contains("Unified") == true }?["id"]?.stringValue)
            #expect(try await session.send("DELETE", "/groups/\(unified)").status == 204)
            #expect(try await session.getAll("/directory/deletedItems/microsoft.graph.group").contains { $0["id"]?.stringValue == unified })
            #expect(try await session.send("DELETE", "/directory/deletedItems/\(unified)").status == 204)
            #expect(try await session.get("/directory/deletedItems/\(unified)").status == 404)

            // Deleting an application also deletes its service principal; both can come back.
            let apps = try await session.getAll("/applications?$select=id,appId")
            let app = try #require(apps.first { $0["appId"]?.stringValue != fixture.application.clientId })
            #expect(try await session.send("DELETE", "/applications/\(app["id"]?.stringValue ?? "")").status == 204)
            let deletedSps = try await session.getAll("/directory/deletedItems/microsoft.graph.servicePrincipal?$select=id,appId")
            #expect(deletedSps.contains { $0["appId"] == app["appId"] })
        }
    }

    @Test("deleted items are purged after 30 simulated days")
    func purgeAfterThirtyDays() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let user = try #require(try await session.getAll("/users?$select=id&$filter=userType eq 'Member'").last?["id"]?.stringValue)
            #expect(try await session.send("DELETE", "/users/\(user)").status == 204)
            fixture.simulator.advanceClock(by: 29 * 86_400)
            let stillThere = try await fixture.session()
            #expect(try await stillThere.get("/directory/deletedItems/\(user)").status == 200)
            fixture.simulator.advanceClock(by: 2 * 86_400)
            let later = try await fixture.session()
            #expect(try await later.get("/directory/deletedItems/\(user)").status == 404)
            #expect(try await later.getAll("/directory/deletedItems/microsoft.graph.user").isEmpty)
        }
    }

    @Test("conditional access policies and named locations: create, update, soft delete, restore, purge")
    func conditionalAccess() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let user = try #require(try await session.getAll("/users?$select=id&$top=1").first?["id"]?.stringValue)
            let location = try await session.send("POST", "/identity/conditionalAccess/namedLocations", json: [
                "@odata.type": "#microsoft.graph.ipNamedLocation", "displayName": "Office", "isTrusted": true,
                "ipRanges": [["@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "192.0.2.0/24"]],
            ])
            #expect(location.status == 201)
            let locationId = try #require(try location.json()["id"]?.stringValue)
            let policy: JSONValue = [
                "displayName": "Restored MFA policy", "state": "enabled",
                "conditions": [
                    "clientAppTypes": ["all"],
                    "applications": ["includeApplications": ["All"]],
                    "users": ["includeUsers": .strings([user]), "excludeUsers": []],
                    "locations": ["includeLocations": ["All"], "excludeLocations": .strings([locationId])],
                ],
                "grantControls": ["operator": "OR", "builtInControls": ["mfa"]],
            ]
            let created = try await session.send("POST", "/identity/conditionalAccess/policies", json: policy)
            #expect(created.status == 201)
            let policyId = try #require(try created.json()["id"]?.stringValue)
            #expect(try await session.send("PATCH", "/identity/conditionalAccess/policies/\(policyId)",
                                           json: ["state": "disabled"]).status == 204)
            let readBack = try await session.get("/identity/conditionalAccess/policies/\(policyId)").json()
            #expect(readBack["state"]?.stringValue == "disabled")
            #expect(readBack["modifiedDateTime"]?.stringValue != nil)
            // A location in use cannot be deleted.
            #expect(try await session.send("DELETE", "/identity/conditionalAccess/namedLocations/\(locationId)").status == 400)
            #expect(try await session.send("DELETE", "/identity/conditionalAccess/policies/\(policyId)").status == 204)
            let deleted = try await session.get("/identity/conditionalAccess/deletedItems/policies").json()
            #expect(deleted.items.contains { $0["id"]?.stringValue == policyId })
            let restored = try await session.send("POST", "/identity/conditionalAccess/deletedItems/policies/\(policyId)/restore")
            #expect(restored.status == 200)
            #expect(try await session.send("DELETE", "/identity/conditionalAccess/policies/\(policyId)").status == 204)
            #expect(try await session.send("DELETE", "/identity/conditionalAccess/deletedItems/policies/\(policyId)").status == 204)
            #expect(try await session.get("/identity/conditionalAccess/deletedItems/policies/\(policyId)").status == 404)
        }
    }

    @Test("role assignments and directory role members stay in step")
    func roles() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let user = try #require(try await session.getAll("/users?$select=id&$filter=userType eq 'Member'").last?["id"]?.stringValue)
            let securityReader = "5d6b6bb7-de71-4623-b4af-96380a352509"
            let created = try await session.send("POST", "/roleManagement/directory/roleAssignments", json: [
                "principalId": .string(user), "roleDefinitionId": .string(securityReader), "directoryScopeId": "/",
            ])
            #expect(created.status == 201)
            let assignmentId = try #require(try created.json()["id"]?.stringValue)
            let role = try await session.get("/directoryRoles(roleTemplateId='\(securityReader)')").json()
            let roleId = try #require(role["id"]?.stringValue)
            #expect(try await session.getAll("/directoryRoles/\(roleId)/members").contains { $0["id"]?.stringValue == user })
            #expect(try await session.send("DELETE", "/roleManagement/directory/roleAssignments/\(assignmentId)").status == 204)
            #expect(try await !session.getAll("/directoryRoles/\(roleId)/members").contains { $0["id"]?.stringValue == user })
            // The other direction: adding a role member creates an assignment.
            #expect(try await session.send("POST", "/directoryRoles/\(roleId)/members/$ref",
                                           json: ["@odata.id": .string("https://graph.microsoft.com/v1.0/directoryObjects/\(user)")]).status == 204)
            let assignments = try await session.getAll("/roleManagement/directory/roleAssignments?$filter=principalId eq '\(user)'")
            #expect(assignments.contains { $0["roleDefinitionId"]?.stringValue == securityReader })
            let builtIn = try await session.send("DELETE", "/roleManagement/directory/roleDefinitions/\(securityReader)")
            #expect(builtIn.status == 400)
        }
    }

    @Test("every write and incident is in the directory audit log with its actor")
    func auditLog() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let user = try #require(try await session.getAll("/users?$select=id&$filter=userType eq 'Member'").last?["id"]?.stringValue)
            #expect(try await session.send("PATCH", "/users/\(user)", json: ["department": "Audit"]).status == 204)
            let incident = try fixture.simulator.apply(
                .weakenConditionalAccessPolicies(count: 1, excludedUserIds: [user]), tenant: fixture.tenant.id,
                actor: .user(id: user, displayName: "Mallory", userPrincipalName: "mallory@contoso.com"))
            #expect(incident.affectedIds.count == 1)
            let audits = try await session.get("/auditLogs/directoryAudits?$top=10").json()
            let newest = audits.items
            let update = try #require(newest.first { $0["activityDisplayName"]?.stringValue == "Update user" })
            #expect(update["initiatedBy"]?["app"]?["appId"]?.stringValue == fixture.application.clientId)
            #expect(update["targetResources"]?.arrayValue?.first?["id"]?.stringValue == user)
            let modified = update["targetResources"]?.arrayValue?.first?["modifiedProperties"]?.arrayValue ?? []
            #expect(modified.contains { $0["displayName"]?.stringValue == "department" && $0["newValue"]?.stringValue == "[\"Audit\"]" })
            let weakened = try #require(newest.first { $0["activityDisplayName"]?.stringValue == "Update conditional access policy" })
            #expect(weakened["initiatedBy"]?["user"]?["userPrincipalName"]?.stringValue == "mallory@contoso.com")
            #expect(weakened["loggedByService"]?.stringValue == "Conditional Access")
            // Newest first.
            #expect(newest.first?["activityDisplayName"]?.stringValue == "Update conditional access policy")
            for field in ["id", "category", "correlationId", "result", "activityDisplayName", "activityDateTime",
                          "loggedByService", "operationType", "initiatedBy", "targetResources", "additionalDetails"] {
                #expect(update[field] != nil, "directoryAudit without \(field)")
            }
        }
    }
}
