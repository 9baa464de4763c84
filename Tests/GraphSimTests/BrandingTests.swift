import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// Company branding as graph-sim serves it: readable and writable with application permissions
/// (Microsoft's permission table: OrganizationalBranding.Read.All), the default and its locales,
/// and Graph's rules for creating and deleting them.
@Suite("Company branding")
struct BrandingTests {
    static func organization(_ session: GraphTestSession) async throws -> String {
        try #require(try await session.get("/organization").json().items.first?["id"]?.stringValue)
    }

    @Test("the default branding and the localizations match the documented examples")
    func fidelity() async throws {
        try await TestSupport.withFixture(permissions: ["Organization.Read.All", "OrganizationalBranding.Read.All"]) { fixture in
            let session = try await fixture.session()
            let organization = try await Self.organization(session)
            try FidelityTests.expectFaithful("organizationalbranding-get.json",
                                             try await session.send("GET", "/organization/\(organization)/branding",
                                                                    headers: [("Accept-Language", "0")]).json())
            try FidelityTests.expectFaithful("organizationalbrandinglocalizations-list.json",
                                             try await session.get("/organization/\(organization)/branding/localizations").json())
            #expect(try await session.send("GET", "/organization/\(organization)/branding", headers: [("Accept-Language", "ja-JP")]).status == 404)
        }
        try await TestSupport.withFixture(permissions: ["User.Read.All"]) { fixture in
            let session = try await fixture.session()
            let organization = try #require(try await session.get("/organization").json().items.first?["id"]?.stringValue)
            #expect(try await session.get("/organization/\(organization)/branding/localizations").status == 403)
        }
    }

    @Test("locales are created with their id after the default; the default goes last")
    func writes() async throws {
        try await TestSupport.withFixture(permissions: ["Organization.Read.All", "OrganizationalBranding.ReadWrite.All"]) { fixture in
            let session = try await fixture.session()
            let organization = try await Self.organization(session)
            let base = "/organization/\(organization)/branding"
            #expect(try await session.send("PATCH", base, json: ["signInPageText": "Welcome to Contoso", "backgroundColor": "#000000"]).status == 204)
            let updated = try await session.send("GET", base, headers: [("Accept-Language", "default")]).json()
            #expect(updated["signInPageText"] == "Welcome to Contoso")
            #expect(try await session.send("PATCH", base, json: ["bannerLogoRelativeUrl": "x"]).status == 400)
            #expect(try await session.send("POST", "\(base)/localizations", json: ["signInPageText": "no id"]).status == 400)
            #expect(try await session.send("POST", "\(base)/localizations", json: ["id": "de-DE", "signInPageText": "Willkommen"]).status == 201)
            #expect(try await session.send("POST", "\(base)/localizations", json: ["id": "de-DE"]).status == 409)
            #expect(try await session.send("GET", base, headers: [("Accept-Language", "de-DE")]).json()["signInPageText"] == "Willkommen")
            #expect(try await session.send("PATCH", "\(base)/localizations/de-DE", json: ["usernameHintText": "jemand@contoso.com"]).status == 204)
            #expect(try await session.send("DELETE", "\(base)/localizations/0").status == 400)
            #expect(try await session.send("DELETE", "\(base)/localizations/de-DE").status == 204)
            #expect(try await session.send("DELETE", "\(base)/localizations/0").status == 204)
            #expect(try await session.send("GET", base, headers: [("Accept-Language", "0")]).status == 404)
        }
    }
}
