import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// Organizational contacts as graph-sim serves them: the documented body, delta, group
/// membership, and no writes (Exchange Online creates them).
@Suite("Organizational contacts")
struct ContactTests {
    @Test("the documented list, delta with its token, membership, and no create")
    func contacts() async throws {
        try await TestSupport.withFixture(permissions: ["OrgContact.Read.All", "GroupMember.Read.All", "Group.Read.All"]) { fixture in
            let session = try await fixture.session()
            let listed = try await session.get("/contacts").json()
            try FidelityTests.expectFaithful("orgcontacts-list.json", listed, allowContext: true)
            let contacts = listed.items
            #expect(!contacts.isEmpty)
            let first = try #require(contacts.first?["id"]?.stringValue)
            #expect(try await session.get("/contacts/\(first)").json()["mail"] == contacts.first?["mail"])

            var page = try await session.get("/contacts/delta").json()
            var seen = page.items.count
            while let next = page["@odata.nextLink"]?.stringValue {
                page = try await session.get(next).json()
                seen += page.items.count
            }
            #expect(seen == contacts.count)
            let deltaLink = try #require(page["@odata.deltaLink"]?.stringValue)
            #expect(try await session.get(deltaLink).json().items.isEmpty)

            // Contacts are group members like users.
            let contactIDs = Set(contacts.compactMap { $0["id"]?.stringValue })
            var member = false
            for group in try await session.getAll("/groups?$select=id") {
                let members = try await session.getAll("/groups/\(group["id"]?.stringValue ?? "")/members?$select=id")
                if members.contains(where: { contactIDs.contains($0["id"]?.stringValue ?? "") }) { member = true; break }
            }
            #expect(member)
            #expect(try await session.send("POST", "/contacts", json: ["displayName": "New"]).status == 405)
        }
        try await TestSupport.withFixture(permissions: ["User.Read.All"]) { fixture in
            let session = try await fixture.session()
            #expect(try await session.get("/contacts").status == 403)
        }
    }
}
