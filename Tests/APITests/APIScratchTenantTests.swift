import Foundation
import Postgres
import Testing
@testable import API

/// A scratch tenant for restore drills is marked explicitly, at onboarding or later, and audited.
@Suite struct APIScratchTenantTests {
    @Test func aTenantIsMarkedAsAScratchTenantOnlyWhenAskedAndTheFlagIsValidated() async throws {
        try await APIFixture.run { fixture in
            let plain = try await fixture.send("POST", "/v1/tenants", json: """
                {"entra_tenant_id":"\(UUID().uuidString.lowercased())","display_name":"Customer","primary_domain":"customer.example"}
                """)
            #expect(plain.status == 201, "\(plain.text.prefix(300))")
            #expect(plain.object["scratch"] as? Bool == false)
            let drills = try await fixture.send("POST", "/v1/tenants", json: """
                {"entra_tenant_id":"\(UUID().uuidString.lowercased())","display_name":"Drills","primary_domain":"drills.example","scratch":true}
                """)
            #expect(drills.status == 201 && drills.object["scratch"] as? Bool == true, "\(drills.text.prefix(300))")

            let id = try #require(plain.object["id"] as? String)
            let marked = try await fixture.send("PUT", "/v1/tenants/\(id)/scratch", json: #"{"scratch":true}"#)
            #expect(marked.status == 200 && marked.object["scratch"] as? Bool == true, "\(marked.text.prefix(300))")
            #expect(try await fixture.send("GET", "/v1/tenants/\(id)").object["scratch"] as? Bool == true)
            let unmarked = try await fixture.send("PUT", "/v1/tenants/\(id)/scratch", json: #"{"scratch":false}"#)
            #expect(unmarked.object["scratch"] as? Bool == false)

            for body in [#"{}"#, #"{"scratch":"yes"}"#, #"{"scratch":true,"extra":1}"#] {
                let refused = try await fixture.send("PUT", "/v1/tenants/\(id)/scratch", json: body)
                #expect(refused.status == 400, "\(body) -> \(refused.status) \(refused.text.prefix(200))")
            }
            #expect(try await fixture.send("PUT", "/v1/tenants/\(UUID().uuidString.lowercased())/scratch", json: #"{"scratch":true}"#).status == 404)
            let audit = try await fixture.client.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'tenant.scratch'")
            #expect(try audit.first?.decode(Int.self, "n") == 2)
        }
    }
}
