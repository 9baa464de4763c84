import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

@Suite("Delta queries")
struct DeltaTests {
    /// Follows a delta round to its delta link; returns every item and the delta link.
    static func round(_ session: GraphTestSession, _ path: String) async throws -> (items: [JSONValue], deltaLink: String, pages: Int) {
        var items: [JSONValue] = []
        var next: String? = path
        var pages = 0
        while let link = next {
            let response = try await session.get(link)
            guard response.status == 200 else {
                throw HTTPTestError(code: .connectionClosed, message: "\(link) answered \(response.status): \(response.text)")
            }
            let page = try response.json()
            pages += 1
            items += page.items
            if let delta = page["@odata.deltaLink"]?.stringValue {
                #expect(page["@odata.nextLink"] == nil)
                return (items, delta, pages)
            }
            next = page["@odata.nextLink"]?.stringValue
            #expect(next != nil, "a delta page has a nextLink or a deltaLink")
        }
        throw HTTPTestError(code: .connectionClosed, message: "no delta link")
    }

    @Test("users: initial round, then only the changes with @removed changed and deleted")
    func userChanges() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let initial = try await Self.round(session, "/users/delta?$select=displayName,jobTitle")
            let live = try await session.getAll("/users?$select=id")
            #expect(Set(initial.items.compactMap { $0["id"]?.stringValue }) == Set(live.compactMap { $0["id"]?.stringValue }))
            #expect(initial.items.allSatisfy { $0.objectValue?.keys == ["displayName", "jobTitle", "id"] })
            #expect(initial.deltaLink.contains("$deltatoken="))

            let nothing = try await Self.round(session, initial.deltaLink)
            #expect(nothing.items.isEmpty)

            let simulator = fixture.simulator
            let changed = try simulator.apply(.changeAttribute(count: 2, property: "jobTitle", value: "Chief Mischief Officer"),
                                              tenant: fixture.tenant.id)
            let softDeleted = try simulator.apply(.deleteUsers(count: 1), tenant: fixture.tenant.id)
            let purged = try simulator.apply(.hardDeleteUsers(count: 1), tenant: fixture.tenant.id)
            let created = try simulator.apply(.createUsers(count: 1), tenant: fixture.tenant.id)

            let changes = try await Self.round(session, nothing.deltaLink)
            let byId = Dictionary(changes.items.map { ($0["id"]?.stringValue ?? "", $0) }, uniquingKeysWith: { _, last in last })
            for id in changed.affectedIds where !softDeleted.affectedIds.contains(id) && !purged.affectedIds.contains(id) {
                #expect(byId[id]?["jobTitle"]?.stringValue == "Chief Mischief Officer")
            }
            #expect(byId[softDeleted.affectedIds[0]]?["@removed"]?["reason"]?.stringValue == "changed")
            #expect(byId[purged.affectedIds[0]]?["@removed"]?["reason"]?.stringValue == "deleted")
            #expect(byId[created.affectedIds[0]]?["displayName"] != nil)
            #expect(changes.items.count == Set(changed.affectedIds + softDeleted.affectedIds + purged.affectedIds + created.affectedIds).count)

            // A restored user reappears without an annotation.
            let restored = try await session.send("POST", "/directory/deletedItems/\(softDeleted.affectedIds[0])/restore")
            #expect(restored.status == 200)
            let afterRestore = try await Self.round(session, changes.deltaLink)
            let back = try #require(afterRestore.items.first { $0["id"]?.stringValue == softDeleted.affectedIds[0] })
            #expect(back["@removed"] == nil)
            #expect(back["displayName"] != nil)
        }
    }

    @Test("$deltatoken=latest returns no data and a delta link from now")
    func latest() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let latest = try await session.get("/users/delta?$deltatoken=latest").json()
            #expect(latest.items.isEmpty)
            let link = try #require(latest["@odata.deltaLink"]?.stringValue)
            let created = try fixture.simulator.apply(.createUsers(count: 2), tenant: fixture.tenant.id)
            let round = try await Self.round(session, link)
            #expect(Set(round.items.compactMap { $0["id"]?.stringValue }) == Set(created.affectedIds))
        }
    }

    @Test("groups: members@delta, large groups spread across pages, membership changes")
    func groupMembers() async throws {
        let tenants = [TenantSpecification(name: "northwind", profile: SeedProfile(name: "users=1500", users: 1500), seed: 2)]
        try await TestSupport.withFixture(tenants: tenants) { fixture in
            let session = try await fixture.session()
            let initial = try await Self.round(session, "/groups/delta?$select=displayName,members")
            var members: [String: Set<String>] = [:]
            var appearances: [String: Int] = [:]
            for item in initial.items {
                let id = item["id"]?.stringValue ?? ""
                appearances[id, default: 0] += 1
                for member in item["members@delta"]?.arrayValue ?? [] {
                    #expect(member["@odata.type"]?.stringValue?.hasPrefix("#microsoft.graph.") == true)
                    members[id, default: []].insert(member["id"]?.stringValue ?? "")
                }
            }
            #expect(initial.pages > 1)
            // "All Users" has more members than fit on a page: it appears on several pages.
            #expect(appearances.values.contains { $0 > 1 })
            let state = try fixture.simulator.state(tenant: fixture.tenant.id)
            let liveUsers = Set((state["objects"]?["user"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            let liveGroups = Set((state["objects"]?["group"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            let liveSps = Set((state["objects"]?["servicePrincipal"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
                .union((state["objects"]?["orgContact"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            for member in state["relationships"]?["members"]?.objectValue ?? [:] where liveGroups.contains(member.key) {
                let group = member.key
                let live = Set(member.value.stringArray.filter { liveUsers.contains($0) || liveGroups.contains($0) || liveSps.contains($0) })
                #expect(members[group, default: []] == live, "members@delta of \(group)")
            }

            let group = try #require((state["objects"]?["group"]?.arrayValue ?? []).first {
                $0["groupTypes"]?.stringArray.contains("Unified") == true
            }?["id"]?.stringValue)
            let added = try fixture.simulator.apply(.addGroupMembers(groupId: group, count: 2), tenant: fixture.tenant.id)
            let removed = try #require(members[group]?.first)
            #expect(try await session.send("DELETE", "/groups/\(group)/members/\(removed)/$ref").status == 204)
            let changes = try await Self.round(session, initial.deltaLink)
            let entry = try #require(changes.items.first { $0["id"]?.stringValue == group })
            let delta = entry["members@delta"]?.arrayValue ?? []
            #expect(delta.contains { $0["id"]?.stringValue == removed && $0["@removed"]?["reason"]?.stringValue == "deleted" })
            for id in added.affectedIds {
                #expect(delta.contains { $0["id"]?.stringValue == id && $0["@removed"] == nil })
            }
            #expect(delta.count == 3)
        }
    }

    @Test("delta tokens expire after 7 simulated days with syncStateNotFound")
    func expiry() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let round = try await Self.round(session, "/applications/delta")
            fixture.simulator.advanceClock(by: 8 * 86_400)
            let fresh = try await fixture.session()
            let expired = try await fresh.get(round.deltaLink)
            #expect(expired.status == 400)
            #expect(expired.errorCode == "syncStateNotFound")
            #expect(try expired.json()["error"]?["message"]?.stringValue == "The sync state generation is not found. The delta token is expired and data must be synchronized again.")
            #expect(try await fresh.get("/applications/delta").status == 200)
        }
    }

    @Test("a forced resync answers 410 Gone with a Location holding an empty delta token")
    func forcedResync() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let round = try await Self.round(session, "/devices/delta")
            try fixture.simulator.forceResync(tenant: fixture.tenant.id, types: [.device])
            let gone = try await session.get(round.deltaLink)
            #expect(gone.status == 410)
            let location = try #require(gone.header("Location"))
            #expect(location.hasSuffix("/devices/delta?$deltatoken="))
            let restart = try await Self.round(session, location)
            #expect(!restart.items.isEmpty)
            // The other types are unaffected.
            let users = try await Self.round(session, "/users/delta")
            #expect(try await session.get(users.deltaLink).status == 200)
        }
    }

    @Test("every documented delta type answers", arguments: [
        "users", "groups", "applications", "servicePrincipals", "directoryRoles", "administrativeUnits", "devices",
        "oauth2PermissionGrants",
    ])
    func everyType(_ set: String) async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let round = try await Self.round(session, "/\(set)/delta")
            #expect(!round.items.isEmpty)
            #expect(try await session.get("/\(set)/delta?$top=5").status == 400)
        }
    }
}
