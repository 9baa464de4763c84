import Foundation
import HoldfastTesting
import Tenancy
import Testing

/// The one partner lookup the CLI, the API and scheduled reports share.
@Suite("Partner lookup")
struct PartnerLookupTests {
    @Test("a partner is found by name or id; a name wins over an id that reads the same; an unknown one is named")
    func findsByNameOrID() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let fabrikam = try await fixture.registry.addPartner(name: "Fabrikam", actor: "test")
            let northwind = try await fixture.registry.addPartner(name: "Northwind", actor: "test")
            #expect(try await fixture.registry.partner(reference: "Fabrikam") == fabrikam)
            #expect(try await fixture.registry.partner(reference: fabrikam.id.uuidString) == fabrikam)
            #expect(try await fixture.registry.partner(reference: fabrikam.id.uuidString.lowercased()) == fabrikam)
            #expect(try await fixture.registry.partner(id: northwind.id) == northwind)
            await #expect(throws: TenancyError(.partnerNotFound, "")) { try await fixture.registry.partner(id: UUID()) }
            // A partner whose name is another partner's id: asked for by that text, the name wins.
            let confusing = try await fixture.registry.addPartner(name: northwind.id.uuidString, actor: "test")
            #expect(try await fixture.registry.partner(reference: northwind.id.uuidString) == confusing)
            let names = try await fixture.registry.partners().map(\.name)
            #expect(Set(names) == ["Fabrikam", "Northwind", northwind.id.uuidString])
            #expect(try #require(names.firstIndex(of: "Fabrikam")) < #require(names.firstIndex(of: "Northwind")))
            do {
                _ = try await fixture.registry.partner(reference: "Nobody")
                Issue.record("found a partner that does not exist")
            } catch let error as TenancyError {
                #expect(error.code == .partnerNotFound)
                #expect(error.message.contains("'Nobody'"))
            }
        }
    }
}
