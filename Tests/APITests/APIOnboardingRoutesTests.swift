import Cryptography
import Foundation
import Graph
import GraphSim
import GraphSimTesting
import HTTP
import HoldfastTesting
import Logging
import Postgres
import Tenancy
import Testing
@testable import API

/// `POST /v1/tenants` with a credential onboards through ``TenantOnboarding`` against graph-sim.
@Suite struct APIOnboardingRoutesTests {
    @Test func aMissingPermissionIsReportedAndTheTenantStaysOnboarding() async throws {
        try await OnboardingAPIHarness.run { simulator, fixture in
            let tenant = try #require(simulator.tenant(named: "contoso"))
            let withheld = "Policy.Read.All"
            let app = try simulator.registerApplication(tenant: "contoso", displayName: "Holdfast",
                                                        permissions: ResourceCatalogue.requiredPermissions.filter { $0 != withheld })
            let secret = try simulator.addClientSecret(clientId: app.clientId).value

            // A wrong secret: nothing is stored, the secret is not echoed.
            let wrong = try await fixture.send("POST", "/v1/tenants", json: """
                {"entra_tenant_id":"\(tenant.id)","display_name":"Contoso","credential":{"client_id":"\(app.clientId)","client_secret":"not-\(secret)"}}
                """)
            #expect(wrong.status == 422 && wrong.errorCode == "onboarding_sign_in_failed", "\(wrong.text)")
            #expect(!wrong.text.contains(secret))
            let before = try await fixture.send("GET", "/v1/tenants?limit=200")
            #expect(before.items.allSatisfy { $0["display_name"] as? String != "Contoso" })

            let created = try await fixture.send("POST", "/v1/tenants", json: """
                {"entra_tenant_id":"\(tenant.id)","display_name":"Contoso","partner_id":"\(fixture.partnerA.lower)",
                 "credential":{"client_id":"\(app.clientId)","client_secret":"\(secret)"}}
                """)
            #expect(created.status == 201, "\(created.text.prefix(500))")
            #expect(!created.text.contains(secret))
            #expect(created.object["status"] as? String == "onboarding")
            #expect(created.object["partner_id"] as? String == fixture.partnerA.lower)
            // Read from the tenant's default verified domain.
            #expect((created.object["primary_domain"] as? String)?.isEmpty == false)
            let probe = try #require(created.object["probe"] as? [String: Any])
            #expect(probe["backup_ready"] as? Bool == false)
            #expect(probe["missing_backup_permissions"] as? [String] == [withheld])
            #expect((probe["admin_consent_url"] as? String)?.contains(app.clientId) == true)
            let permissions = try #require(probe["permissions"] as? [[String: Any]])
            #expect(permissions.contains { $0["name"] as? String == withheld && $0["granted"] as? Bool == false })
            #expect(permissions.contains { $0["granted"] as? Bool == true })
            let id = try #require(created.object["id"] as? String)

            // Re-probing finds the same gap; the tenant stays `onboarding`.
            let reprobed = try await fixture.send("POST", "/v1/tenants/\(id)/reprobe", json: "{}")
            #expect(reprobed.status == 200, "\(reprobed.text.prefix(300))")
            #expect(reprobed.object["status"] as? String == "onboarding")
            #expect((reprobed.object["probe"] as? [String: Any])?["missing_backup_permissions"] as? [String] == [withheld])

            let duplicate = try await fixture.send("POST", "/v1/tenants", json: """
                {"entra_tenant_id":"\(tenant.id)","display_name":"Contoso again","credential":{"client_id":"\(app.clientId)","client_secret":"\(secret)"}}
                """)
            #expect(duplicate.status == 409 && duplicate.errorCode == "conflict", "\(duplicate.text)")
        }
    }

    @Test func aCertificateCredentialOnboardsAndActivatesTheTenant() async throws {
        try await OnboardingAPIHarness.run { simulator, fixture in
            let tenant = try #require(simulator.tenant(named: "contoso"))
            let app = try simulator.registerApplication(tenant: "contoso", displayName: "Holdfast", permissions: ResourceCatalogue.requiredPermissions)
            let key = try PrivateKey.generateRSA(bits: 2048)
            let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast-api-test", validFor: 30 * 86_400)
            _ = try simulator.addCertificate(clientId: app.clientId, certificate: certificate)
            let certificateBase64 = Data(certificate.pem().utf8).base64EncodedString()
            let keyPEM = try key.pemPKCS8()
            let created = try await fixture.send("POST", "/v1/tenants", json: """
                {"entra_tenant_id":"\(tenant.id)","display_name":"Contoso",
                 "credential":{"client_id":"\(app.clientId)","certificate_pem_base64":"\(certificateBase64)",
                               "private_key_pem_base64":"\(Data(keyPEM.utf8).base64EncodedString())"}}
                """)
            #expect(created.status == 201, "\(created.text.prefix(500))")
            #expect(created.object["status"] as? String == "active")
            #expect((created.object["probe"] as? [String: Any])?["backup_ready"] as? Bool == true)
            #expect(!created.text.contains("PRIVATE KEY") && !created.text.contains(Data(keyPEM.utf8).base64EncodedString()))

            let garbled = try await fixture.send("POST", "/v1/tenants", json: """
                {"entra_tenant_id":"\(UUID().lower)","display_name":"X","credential":{"client_id":"\(app.clientId)","certificate_pem_base64":"\(certificateBase64)"}}
                """)
            #expect(garbled.status == 400 && garbled.errorMessage?.contains("private_key_pem_base64") == true, "\(garbled.text)")
        }
    }
}

/// An API fixture whose onboarding signs in at the fleet's graph-sim, which also serves `contoso`.
enum OnboardingAPIHarness {
    static func run(_ body: @Sendable (GraphSimulator, APIFixture) async throws -> Void) async throws {
        try await APIFixture.run(onboards: true, logger: TestLogger.make(label: "api-onboarding-test")) { fixture in
            _ = try fixture.simulator.createTenant(TenantSpecification(name: "contoso", profile: .small, seed: 31))
            try await body(fixture.simulator, fixture)
        }
    }
}
