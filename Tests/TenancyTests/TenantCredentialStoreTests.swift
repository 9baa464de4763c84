import Audit
@testable import Cryptography
import Foundation
import HoldfastTesting
import Postgres
@testable import Tenancy
import Testing

@Suite("Tenant credentials in PostgreSQL")
struct TenantCredentialStoreTests {
    @Test func storesSealedAndOpensOnlyInMemory() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let partner = try await fixture.registry.addPartner(name: "Northwind MSP", actor: "alice")
            let tenant = try await fixture.addTenant("contoso", partner: partner)
            #expect(tenant.status == .onboarding)
            let ring = MasterKeyRing(current: .generate())
            let store = fixture.credentialStore(ring)
            let clientID = UUID()
            let summary = try await store.store(fixture.secretCredential("Xy7~super.secret", clientID: clientID), tenantID: tenant.id, actor: "alice")
            #expect(summary.kind == .clientSecret)
            #expect(summary.clientID == clientID)

            // Nothing in the database holds the secret in clear.
            let dump = try await schema.client.query("""
                SELECT string_agg(encode(sealed_secret, 'escape'), '') AS blob FROM tenant_credentials
                """).first!.decode(String.self, "blob")
            #expect(!dump.contains("super.secret"))
            let audit = try await schema.client.query("SELECT details::text AS d FROM audit_log").rows.map { try $0.decode(String.self, "d") }
            #expect(audit.count == 3)  // partner.add, tenant.add, credential.add
            #expect(!audit.joined().contains("super.secret"))

            let opened = try await store.activeCredential(tenantID: tenant.id)
            #expect(clientSecret(of: opened) == "Xy7~super.secret")
            #expect(opened.entraTenantID == tenant.entraTenantID)
        }
    }

    @Test func sealedSecretCannotBeOpenedUnderAnotherTenantsRow() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let a = try await fixture.addTenant("a")
            let b = try await fixture.addTenant("b")
            let store = fixture.credentialStore(MasterKeyRing(current: .generate()))
            try await store.store(fixture.secretCredential("secret-of-a"), tenantID: a.id, actor: "test")
            try await store.store(fixture.secretCredential("secret-of-b"), tenantID: b.id, actor: "test")

            // An attacker with write access copies A's sealed secret and data key over B's rows.
            try await schema.client.query("""
                UPDATE tenant_data_keys SET wrapped_key = (SELECT wrapped_key FROM tenant_data_keys WHERE tenant_id = \(a.id))
                WHERE tenant_id = \(b.id)
                """)
            await #expect(throws: EnvelopeError(.authenticationFailure, "")) { try await store.activeCredential(tenantID: b.id) }
            #expect(clientSecret(of: try await store.activeCredential(tenantID: a.id)) == "secret-of-a")
        }
    }

    @Test func tamperedSealedSecretIsDetected() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let tenant = try await fixture.addTenant("fabrikam")
            let store = fixture.credentialStore(MasterKeyRing(current: .generate()))
            try await store.store(fixture.secretCredential("a-secret"), tenantID: tenant.id, actor: "test")
            try await schema.client.query("""
                UPDATE tenant_credentials SET sealed_secret = overlay(sealed_secret PLACING '\\x00'::bytea FROM length(sealed_secret) - 3)
                """)
            await #expect(throws: EnvelopeError(.authenticationFailure, "")) { try await store.activeCredential(tenantID: tenant.id) }
        }
    }

    @Test func rotatingACredentialReplacesItAndIsAudited() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let tenant = try await fixture.addTenant("wingtip")
            let store = fixture.credentialStore(MasterKeyRing(current: .generate()))
            let clientID = UUID()
            try await store.store(fixture.secretCredential("first", clientID: clientID), tenantID: tenant.id, actor: "alice")
            try await store.store(fixture.secretCredential("second", clientID: clientID), tenantID: tenant.id, actor: "bob")
            #expect(try await store.credentials(tenantID: tenant.id).count == 1)
            #expect(clientSecret(of: try await store.activeCredential(tenantID: tenant.id, clientID: clientID)) == "second")
            let actions = try await AuditLog.entries(tenantID: tenant.id, client: schema.client).map(\.action)
            #expect(actions == ["credential.rotate", "credential.add", "tenant.add"])

            // A second app for the same tenant: callers must then say which.
            try await store.store(fixture.secretCredential("other app"), tenantID: tenant.id, actor: "alice")
            await #expect(throws: TenancyError(.credentialNotFound, "")) { try await store.activeCredential(tenantID: tenant.id) }
            await #expect(throws: TenancyError(.credentialNotFound, "")) { try await store.activeCredential(tenantID: tenant.id, clientID: UUID()) }
        }
    }

    @Test func certificateCredentialKeepsKeyAndThumbprints() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let tenant = try await fixture.addTenant("adatum")
            let store = fixture.credentialStore(MasterKeyRing(current: .generate()))
            let key = try PrivateKey.generateRSA(bits: 2048)
            let certificate = try Certificate.selfSigned(key: key, commonName: "holdfast", validFor: 86_400 * 30)
            let summary = try await store.store(
                NewTenantCredential(appKind: .sharedMultitenantApp, clientID: UUID(), material: .certificate(privateKey: key, certificate: certificate)),
                tenantID: tenant.id, actor: "test")
            #expect(summary.certificateSHA256 == Base64URL.encode(certificate.sha256Thumbprint))
            #expect(summary.certificateSHA1 == Base64URL.encode(certificate.sha1Thumbprint))
            #expect(summary.expiresAt.map { abs($0.timeIntervalSince(certificate.notAfter)) < 1 } == true)

            let opened = try await store.activeCredential(tenantID: tenant.id)
            guard case .certificate(let openedKey, let openedCertificate) = opened.material else {
                Issue.record("expected a certificate credential")
                return
            }
            #expect(openedKey.publicKey == key.publicKey)
            #expect(openedCertificate == certificate)

            let other = try PrivateKey.generateRSA(bits: 2048)
            await #expect(throws: TenancyError(.invalidCredential, "")) {
                try await store.store(NewTenantCredential(appKind: .tenantApp, clientID: UUID(),
                                                          material: .certificate(privateKey: other, certificate: certificate)),
                                      tenantID: tenant.id, actor: "test")
            }
        }
    }

    @Test func expiryQueryListsCredentialsExpiringWithinTheWindow() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let store = fixture.credentialStore(MasterKeyRing(current: .generate()))
            let now = Date()
            let soon = try await fixture.addTenant("soon")
            let later = try await fixture.addTenant("later")
            let never = try await fixture.addTenant("never")
            let gone = try await fixture.addTenant("gone")
            try await store.store(fixture.secretCredential("x", expiresAt: now.addingTimeInterval(5 * 86_400)), tenantID: soon.id, actor: "t")
            try await store.store(fixture.secretCredential("y", expiresAt: now.addingTimeInterval(60 * 86_400)), tenantID: later.id, actor: "t")
            try await store.store(fixture.secretCredential("z"), tenantID: never.id, actor: "t")
            try await store.store(fixture.secretCredential("w", expiresAt: now.addingTimeInterval(2 * 86_400)), tenantID: gone.id, actor: "t")
            try await fixture.registry.setStatus(.offboarded, reason: "contract ended", tenantID: gone.id, actor: "t")

            #expect(try await store.credentialsExpiring(withinDays: 30, now: now).map(\.tenantID) == [soon.id])
            #expect(try await store.credentialsExpiring(withinDays: 90, now: now).map(\.tenantID) == [soon.id, later.id])
            #expect(try await store.credentialsExpiring(withinDays: 1, now: now).isEmpty)
            // Expired ones stay listed: they are the most urgent.
            #expect(try await store.credentialsExpiring(withinDays: 0, now: now.addingTimeInterval(10 * 86_400)).map(\.tenantID) == [soon.id])

            await #expect(throws: TenancyError(.invalidCredential, "")) {
                try await store.store(fixture.secretCredential("old", expiresAt: now.addingTimeInterval(-60)), tenantID: soon.id, actor: "t")
            }
        }
    }

    @Test func tenantStatusAndDuplicates() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let tenant = try await fixture.addTenant("litware")
            let updated = try await fixture.registry.setStatus(.credentialsInvalid, reason: "AADSTS7000222: client secret expired",
                                                               tenantID: tenant.id, actor: "worker")
            #expect(updated.status == .credentialsInvalid)
            #expect(try await fixture.registry.tenant(id: tenant.id).statusReason == "AADSTS7000222: client secret expired")
            await #expect(throws: TenancyError(.duplicateTenant, "")) {
                try await fixture.registry.addTenant(NewTenant(entraTenantID: tenant.entraTenantID!, primaryDomain: "x", displayName: "x"), actor: "t")
            }
            await #expect(throws: TenancyError(.partnerNotFound, "")) {
                try await fixture.registry.addTenant(NewTenant(entraTenantID: UUID(), primaryDomain: "y", displayName: "y", partnerID: UUID()), actor: "t")
            }
            await #expect(throws: TenancyError(.tenantNotFound, "")) { try await fixture.registry.tenant(id: UUID()) }
        }
    }
}
