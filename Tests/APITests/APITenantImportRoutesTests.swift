import Foundation
import Graph
import GraphSim
import Tenancy
import Testing
@testable import API

/// `POST /v1/tenants/import`: bulk onboarding through the API against graph-sim.
@Suite struct APITenantImportRoutesTests {
    @Test func importReportsEachRowIsIdempotentAndRefusesABrokenBodyWhole() async throws {
        try await OnboardingAPIHarness.run { simulator, fixture in
            let customers = (1...8).map { "imp\($0)" }
            for (index, name) in customers.enumerated() {
                _ = try simulator.createTenant(TenantSpecification(name: name, profile: .small, seed: UInt64(200 + index)))
            }
            let app = try simulator.registerApplication(tenant: "contoso", displayName: "Holdfast MSP",
                                                        permissions: ResourceCatalogue.requiredPermissions)
            // imp8 never consented.
            for name in customers.prefix(7) {
                try simulator.grantPermissions(ResourceCatalogue.requiredPermissions, clientId: app.clientId, tenant: name)
            }
            let secret = try simulator.addClientSecret(clientId: app.clientId).value
            func domain(_ name: String) throws -> String { try #require(simulator.tenant(named: name)).initialDomain }
            let credentials = """
                "credentials":{"msp":{"client_id":"\(app.clientId)","client_secret":"\(secret)","app_kind":"shared_multitenant_app"},
                               "old":{"client_id":"\(app.clientId)","client_secret":"not-\(secret)","app_kind":"shared_multitenant_app"}}
                """
            let rows = try customers.map { name in
                "{\"name\":\"=\(name)\",\"tenant\":\"\(try domain(name))\",\"credential\":\"\(name == "imp7" ? "old" : "msp")\"}"
            }.joined(separator: ",")
            let before = try await fixture.send("GET", "/v1/tenants?limit=200").items.count

            // A broken row refuses the whole body.
            let broken = try await fixture.send("POST", "/v1/tenants/import", json: """
                {"tenants":[\(rows),{"name":"X","tenant":"not a domain"}],\(credentials)}
                """)
            #expect(broken.status == 400 && broken.errorMessage?.contains("row 9, column tenant") == true, "\(broken.text)")
            let csv = try await fixture.send("POST", "/v1/tenants/import", json: """
                {"csv":"name,tenant\\nX,\(try domain("imp1"))\\nY,\(try domain("imp1"))\\n",\(credentials)}
                """)
            #expect(csv.status == 400 && csv.errorMessage?.contains("row 3, column tenant") == true, "\(csv.text)")
            for body in ["{\"tenants\":[\(rows)],\(credentials),\"concurrency\":0}", "{\(credentials)}",
                         "{\"tenants\":[\(rows)],\"csv\":\"name,tenant\",\(credentials)}", "{\"tenants\":[\(rows)],\"credentials\":{}}"] {
                let refused = try await fixture.send("POST", "/v1/tenants/import", json: body)
                #expect(refused.status == 400, "\(refused.text)")
                #expect(!refused.text.contains(secret))
            }
            #expect(try await fixture.send("GET", "/v1/tenants?limit=200").items.count == before, "nothing was added")
            let readOnly = try await fixture.send("POST", "/v1/tenants/import", as: .readOnly, json: "{\"tenants\":[\(rows)],\(credentials)}")
            #expect(readOnly.status == 403)

            let imported = try await fixture.send("POST", "/v1/tenants/import", json: "{\"tenants\":[\(rows)],\(credentials),\"concurrency\":3}")
            #expect(imported.status == 200, "\(imported.text.prefix(500))")
            #expect(!imported.text.contains(secret))
            #expect(imported.object["added"] as? Int == 6 && imported.object["needs_consent"] as? Int == 1
                && imported.object["failed"] as? Int == 1 && imported.object["unchanged"] as? Int == 0, "\(imported.text.prefix(800))")
            let results = try #require(imported.object["rows"] as? [[String: Any]])
            #expect(results.map { $0["row"] as? Int } == Array(1...8))
            let consent = try #require(results.first { $0["tenant"] as? String == (try? domain("imp8")) })
            #expect(consent["outcome"] as? String == "needs_consent")
            #expect((consent["admin_consent_url"] as? String)?.hasSuffix("/adminconsent?client_id=\(app.clientId)") == true)
            let added = try #require(results.first { $0["outcome"] as? String == "added" })
            let tenantID = try #require(added["tenant_id"] as? String)
            let shown = try await fixture.send("GET", "/v1/tenants/\(tenantID)")
            #expect(shown.status == 200 && (shown.object["display_name"] as? String)?.hasPrefix("=imp") == true)
            #expect(results.first { $0["name"] as? String == "=imp7" }?["outcome"] as? String == "failed")

            let again = try await fixture.send("POST", "/v1/tenants/import", json: "{\"tenants\":[\(rows)],\(credentials)}")
            #expect(again.status == 200 && again.object["unchanged"] as? Int == 6 && again.object["added"] as? Int == 0, "\(again.text.prefix(500))")
            #expect(try await fixture.send("GET", "/v1/tenants?limit=200").items.count == before + 6)
        }
    }
}
