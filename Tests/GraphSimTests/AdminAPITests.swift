import Cryptography
import Foundation
@testable import GraphSim
import GraphSimTesting
import Logging
import Testing

@Suite("Admin API and persistence")
struct AdminAPITests {
    static func admin(_ base: String, _ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> HTTPTestResponse {
        try await HTTPTestClient.send(method, base + "/_sim" + path,
                                      headers: body == nil ? [] : [("Content-Type", "application/json")],
                                      body: body.map { JSONWriter.serialize($0) } ?? [])
    }

    @Test("tenants, apps, secrets, certificates, incidents, the clock and request logs over HTTP")
    func adminOverHTTP() async throws {
        try await TestSupport.withFixture { fixture in
            let base = fixture.baseURL
            let created = try await Self.admin(base, "POST", "/tenants", ["name": "adatum", "profile": "small", "seed": 5])
            #expect(created.status == 201)
            let tenantId = try #require(try created.json()["id"]?.stringValue)
            #expect(try await Self.admin(base, "GET", "/tenants").json().arrayValue?.count == 2)
            #expect(try await Self.admin(base, "POST", "/tenants", ["name": "adatum"]).status == 409)

            let app = try await Self.admin(base, "POST", "/tenants/adatum/applications",
                                           ["displayName": "Holdfast", "permissions": ["User.Read.All", "Application.Read.All"]])
            #expect(app.status == 201)
            let clientId = try #require(try app.json()["clientId"]?.stringValue)
            let secret = try await Self.admin(base, "POST", "/applications/\(clientId)/secrets", ["validForSeconds": 8_640_000])
            let value = try #require(try secret.json()["value"]?.stringValue)
            let session = try await GraphTestSession.acquire(baseURL: base, tenant: tenantId, clientId: clientId, secret: value)
            #expect(try await session.get("/users").status == 200)
            #expect(try await session.get("/groups").status == 403)
            let granted = try await Self.admin(base, "POST", "/tenants/adatum/applications/\(clientId)/permissions",
                                               ["grant": ["Group.Read.All"], "revoke": ["Application.Read.All"]])
            #expect(try granted.json()["granted"]?.stringArray == ["Group.Read.All", "User.Read.All"])

            let key = try PrivateKey.generateP256()
            let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast", validFor: 86_400)
            let uploaded = try await Self.admin(base, "POST", "/applications/\(clientId)/certificates", ["pem": .string(certificate.pem())])
            #expect(uploaded.status == 201)
            let keyId = try #require(try uploaded.json()["keyId"]?.stringValue)
            let reader = try await GraphTestSession.acquire(baseURL: base, tenant: tenantId, clientId: clientId, secret: value)
            #expect(try await reader.get("/applications(appId='\(clientId)')").status == 403, "Application.Read.All was revoked")
            #expect(try await Self.admin(base, "DELETE", "/applications/\(clientId)/credentials/\(keyId)").status == 204)

            let incident = try await Self.admin(base, "POST", "/tenants/adatum/incidents", ["kind": "deleteUsers", "count": 3])
            #expect(incident.status == 201)
            let victims = try incident.json()["affectedIds"]?.stringArray ?? []
            #expect(victims.count == 3)
            let deleted = try await reader.getAll("/directory/deletedItems/microsoft.graph.user").compactMap { $0["id"]?.stringValue }
            #expect(Set(victims).isSubset(of: Set(deleted)))
            let unknownIncident = try await Self.admin(base, "POST", "/tenants/adatum/incidents", ["kind": "meteorStrike"])
            #expect(unknownIncident.status == 400)

            let clock = try await Self.admin(base, "POST", "/clock", ["advanceDays": 31])
            let offset = try clock.json()["offsetSeconds"]?.doubleValue ?? 0
            #expect(offset >= 31 * 86_400)
            let fresh = try await GraphTestSession.acquire(baseURL: base, tenant: tenantId, clientId: clientId, secret: value)
                .get("/directory/deletedItems/microsoft.graph.user")
            let freshItems = try fresh.json().items
            #expect(fresh.status == 200 && freshItems.isEmpty)

            let log = try await Self.admin(base, "GET", "/tenants/adatum/requests").json()
            #expect((log["total"]?.intValue ?? 0) >= 4)
            #expect(log["records"]?.arrayValue?.first?["appId"]?.stringValue == clientId)
            let state = try await Self.admin(base, "GET", "/tenants/adatum/state").json()
            #expect((state["objects"]?["user"]?.arrayValue?.count ?? 0) > 0)
            #expect(state["relationships"]?["members"] != nil)
            #expect(try await Self.admin(base, "GET", "/nowhere").status == 404)
        }
    }

    @Test("incidents from Swift: deletions, attribute changes, weakened policies, removed role assignments, purge")
    func incidents() async throws {
        try await TestSupport.withFixture { fixture in
            let simulator = fixture.simulator
            let tenant = fixture.tenant.id
            let groups = try simulator.apply(.deleteGroups(count: 2, kind: .security), tenant: tenant)
            let unified = try simulator.apply(.deleteGroups(count: 1, kind: .unified), tenant: tenant)
            let policies = try simulator.apply(.deleteConditionalAccessPolicies(count: 1), tenant: tenant)
            let weakened = try simulator.apply(.weakenConditionalAccessPolicies(count: 1), tenant: tenant)
            let roles = try simulator.apply(.removeRoleAssignments(count: 1, roleDefinitionId: WellKnown.globalAdministratorTemplate), tenant: tenant)
            let apps = try simulator.apply(.deleteApplications(count: 1), tenant: tenant)
            var state = try simulator.state(tenant: tenant)
            let liveGroups = Set((state["objects"]?["group"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            let deletedGroups = Set((state["deletedItems"]?["group"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            for id in groups.affectedIds {
                #expect(!liveGroups.contains(id) && !deletedGroups.contains(id), "security groups are deleted for good")
            }
            #expect(deletedGroups.contains(unified.affectedIds[0]))
            #expect((state["deletedItems"]?["conditionalAccessPolicy"]?.arrayValue ?? []).contains { $0["id"]?.stringValue == policies.affectedIds[0] })
            let weakenedPolicy = (state["objects"]?["conditionalAccessPolicy"]?.arrayValue ?? []).first { $0["id"]?.stringValue == weakened.affectedIds[0] }
            #expect(weakenedPolicy?["state"]?.stringValue == "enabledForReportingButNotEnforced")
            #expect(weakenedPolicy?["grantControls"]?["builtInControls"]?.stringArray.contains("mfa") == false)
            #expect(!(state["objects"]?["unifiedRoleAssignment"]?.arrayValue ?? []).contains { $0["id"]?.stringValue == roles.affectedIds[0] })
            // The app registered by the fixture (Holdfast's own) is never the one deleted.
            let appIds = (state["objects"]?["application"]?.arrayValue ?? []).compactMap { $0["appId"]?.stringValue }
            #expect(appIds.contains(fixture.application.clientId))
            #expect(apps.affectedIds.count == 1)

            let purged = try simulator.apply(.purgeDeletedItems(), tenant: tenant)
            #expect(purged.affectedIds.count >= 3)
            state = try simulator.state(tenant: tenant)
            for type in ["user", "group", "application", "servicePrincipal", "conditionalAccessPolicy"] {
                #expect(state["deletedItems"]?[type]?.arrayValue?.isEmpty == true, "\(type) left in deleted items")
            }
            let audits = state["objects"]?["directoryAudit"]?.arrayValue ?? []
            #expect(audits.contains { $0["activityDisplayName"]?.stringValue == "Hard Delete user" })
            #expect(audits.contains { $0["activityDisplayName"]?.stringValue == "Remove member from role" })
        }
    }

    @Test("a state file keeps tenants, apps, secrets, deleted items and delta tokens across a restart")
    func persistence() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graph-sim-state-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var logger = Logger(label: "graph-sim-test")
        logger.logLevel = .warning
        let tenants = [TenantSpecification(name: "contoso", profile: .small, seed: 1)]

        let first = try GraphSimulator(configuration: TestSupport.configuration(tenants: tenants, stateFile: path), logger: logger)
        let fixture = try await first.makeFixture(tenant: "contoso", permissions: TestSupport.allPermissions)
        let session = try await fixture.session()
        let round = try await DeltaTests.round(session, "/users/delta?$select=displayName")
        let victim = try #require(try await session.getAll("/users?$select=id&$filter=userType eq 'Member'").last?["id"]?.stringValue)
        #expect(try await session.send("DELETE", "/users/\(victim)").status == 204)
        let before = try first.state(tenant: "contoso")
        await first.stop()
        #expect(FileManager.default.fileExists(atPath: path))

        let second = try GraphSimulator(configuration: TestSupport.configuration(tenants: tenants, stateFile: path), logger: logger)
        let baseURL = try await second.start()
        let reopened = try await GraphTestSession.acquire(baseURL: baseURL, tenant: fixture.tenant.id,
                                                           clientId: fixture.application.clientId, secret: fixture.secret.value)
        let after = try second.state(tenant: "contoso")
        #expect(after["objects"]?["user"] == before["objects"]?["user"])
        #expect(after["deletedItems"] == before["deletedItems"])
        #expect(after["relationships"] == before["relationships"])
        #expect(try await reopened.get("/directory/deletedItems/\(victim)").status == 200)
        // The delta token from before the restart still reads the change made before it.
        // The new server listens on another port: the link's host changes, its token does not.
        let link = round.deltaLink.replacingOccurrences(of: fixture.baseURL, with: baseURL)
        let changes = try await DeltaTests.round(reopened, link)
        #expect(changes.items.contains { $0["id"]?.stringValue == victim && $0["@removed"]?["reason"]?.stringValue == "changed" })
        await second.stop()
    }
}
