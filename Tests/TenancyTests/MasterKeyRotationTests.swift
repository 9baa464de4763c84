import Audit
@testable import Cryptography
import Foundation
import HoldfastTesting
import Postgres
@testable import Tenancy
import Testing

@Suite("Master key rotation")
struct MasterKeyRotationTests {
    /// `count` tenants, each with a secret sealed under a data key wrapped by `ring.current`.
    func seed(_ fixture: TenancyFixture, ring: MasterKeyRing, count: Int) async throws -> [(UUID, String)] {
        let store = fixture.credentialStore(ring)
        var tenants: [(UUID, String)] = []
        for index in 0..<count {
            let tenant = try await fixture.addTenant("tenant\(index)")
            let secret = "secret-\(index)-\(UUID().uuidString)"
            try await store.store(fixture.secretCredential(secret), tenantID: tenant.id, actor: "test")
            tenants.append((tenant.id, secret))
        }
        return tenants
    }

    func sealedSecrets(_ schema: IsolatedSchema) async throws -> [String] {
        try await schema.client.query("SELECT encode(sealed_secret, 'hex') AS s FROM tenant_credentials ORDER BY id")
            .rows.map { try $0.decode(String.self, "s") }
    }

    @Test func rotationRewrapsEveryDataKeyAndTheOldKeyIsNoLongerNeeded() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let old = MasterKey.generate()
            let tenants = try await seed(fixture, ring: MasterKeyRing(current: old), count: 7)
            let sealedBefore = try await sealedSecrets(schema)

            let new = MasterKey.generate()
            let rotation = MasterKeyRotation(client: schema.client, keyRing: MasterKeyRing(current: new, previous: [old]),
                                             batchSize: 3, logger: fixture.logger)
            #expect(try await rotation.remaining() == 7)
            let report = try await rotation.run()
            #expect(report.rewrapped == 7)
            #expect(report.remaining == 0)
            #expect(report.masterKeyIDsInUse == [new.id])
            // Secrets were not decrypted or rewritten: the sealed bytes are identical.
            #expect(try await sealedSecrets(schema) == sealedBefore)

            // Prove the old master key is not needed any more: open everything without it.
            let newOnly = fixture.credentialStore(MasterKeyRing(current: new))
            for (tenantID, secret) in tenants {
                #expect(clientSecret(of: try await newOnly.activeCredential(tenantID: tenantID)) == secret)
            }
            // And that it was needed before: the old key alone no longer opens anything.
            await #expect(throws: EnvelopeError(.unknownMasterKey, "")) {
                try await fixture.credentialStore(MasterKeyRing(current: old)).activeCredential(tenantID: tenants[0].0)
            }
            #expect(try await rotation.run().rewrapped == 0)
            #expect(try await AuditLog.entries(client: schema.client).first?.action == "keys.rotate")
        }
    }

    @Test func interruptedRotationCompletesWhenRunAgain() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let old = MasterKey.generate()
            let tenants = try await seed(fixture, ring: MasterKeyRing(current: old), count: 5)
            let new = MasterKey.generate()
            let ring = MasterKeyRing(current: new, previous: [old])

            // The first process re-wraps one batch and dies.
            let first = MasterKeyRotation(client: schema.client, keyRing: ring, batchSize: 2, logger: fixture.logger)
            #expect(try await first.runOnce() == 2)
            #expect(try await first.remaining() == 3)
            #expect(Set(try await first.masterKeyIDsInUse()) == [old.id, new.id])

            // Meanwhile the system keeps working with both keys configured.
            for (tenantID, secret) in tenants {
                #expect(clientSecret(of: try await fixture.credentialStore(ring).activeCredential(tenantID: tenantID)) == secret)
            }
            // A tenant onboarded mid-rotation gets a data key under the new master key.
            let late = try await fixture.addTenant("late")
            try await fixture.credentialStore(ring).store(fixture.secretCredential("late-secret"), tenantID: late.id, actor: "test")

            // Re-running finishes the job.
            let second = MasterKeyRotation(client: schema.client, keyRing: ring, batchSize: 2, logger: fixture.logger)
            let report = try await second.run()
            #expect(report.rewrapped == 3)
            #expect(report.remaining == 0)
            #expect(report.masterKeyIDsInUse == [new.id])
            let newOnly = fixture.credentialStore(MasterKeyRing(current: new))
            for (tenantID, secret) in tenants {
                #expect(clientSecret(of: try await newOnly.activeCredential(tenantID: tenantID)) == secret)
            }
            #expect(clientSecret(of: try await newOnly.activeCredential(tenantID: late.id)) == "late-secret")
        }
    }

    @Test func rotationWithoutTheOldKeyFailsAndChangesNothing() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let old = MasterKey.generate()
            _ = try await seed(fixture, ring: MasterKeyRing(current: old), count: 2)
            let rotation = MasterKeyRotation(client: schema.client, keyRing: MasterKeyRing(current: .generate()), logger: fixture.logger)
            await #expect(throws: EnvelopeError(.unknownMasterKey, "")) { try await rotation.run() }
            #expect(try await rotation.masterKeyIDsInUse() == [old.id])
        }
    }

    /// Review F14: a process that missed the restart of rotation step 1 still has the old key as
    /// its current one. After the rotation ran, it must not wrap a new data key under that key.
    @Test func aProcessStillOnTheRetiredKeyCannotCreateDataKeys() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let old = MasterKey.generate()
            _ = try await seed(fixture, ring: MasterKeyRing(current: old), count: 2)
            let new = MasterKey.generate()
            let report = try await MasterKeyRotation(client: schema.client, keyRing: MasterKeyRing(current: new, previous: [old]),
                                                     logger: fixture.logger).run()
            #expect(report.masterKeyIDsInUse == [new.id])

            let tenant = try await fixture.addTenant("onboarded-by-a-stale-worker")
            await #expect(throws: TenancyError(.retiredMasterKey, "")) {
                try await fixture.credentialStore(MasterKeyRing(current: old)).store(fixture.secretCredential("s"), tenantID: tenant.id, actor: "test")
            }
            // Nothing was wrapped under the retired key: it can still be destroyed safely.
            #expect(try await MasterKeyRotation(client: schema.client, keyRing: MasterKeyRing(current: new), logger: fixture.logger)
                .masterKeyIDsInUse() == [new.id])
            // A process restarted with the new key (the old one kept as previous, or not) works.
            try await fixture.credentialStore(MasterKeyRing(current: new, previous: [old])).store(
                fixture.secretCredential("fresh"), tenantID: tenant.id, actor: "test")
            #expect(clientSecret(of: try await fixture.credentialStore(MasterKeyRing(current: new)).activeCredential(tenantID: tenant.id)) == "fresh")
        }
    }

    /// Review F14: a tenant's data key can be replaced; its credential is re-sealed under the new
    /// key, and only the new key seals from then on.
    @Test func aTenantsDataKeyCanBeRotated() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let fixture = TenancyFixture(schema: schema)
            let ring = MasterKeyRing(current: MasterKey.generate())
            let tenants = try await seed(fixture, ring: ring, count: 2)
            let (tenantID, secret) = tenants[0]
            let keys = TenantDataKeyStore(keyRing: ring)
            let before = try await schema.client.withConnection { try await keys.currentDataKey(tenantID: tenantID, on: $0).id }

            let store = fixture.credentialStore(ring)
            let rotated = try await store.rotateDataKey(tenantID: tenantID, actor: "test")
            #expect(rotated != before)
            let (current, identity) = try await schema.client.withTransaction { connection in
                (try await keys.currentDataKey(tenantID: tenantID, on: connection).id,
                 try await keys.identityDataKey(tenantID: tenantID, on: connection).id)
            }
            #expect(current == rotated)
            #expect(identity == before)
            let sealedUnder = try await schema.client.query("""
                SELECT data_key_id FROM tenant_credentials WHERE tenant_id = \(tenantID) AND replaced_at IS NULL
                """).rows.map { try $0.decode(String.self, "data_key_id") }
            #expect(sealedUnder == [rotated])
            #expect(clientSecret(of: try await store.activeCredential(tenantID: tenantID)) == secret)
            // The other tenant is untouched.
            #expect(clientSecret(of: try await store.activeCredential(tenantID: tenants[1].0)) == tenants[1].1)
            #expect(try await AuditLog.entries(tenantID: tenantID, client: schema.client).first?.action == "keys.rotate-tenant")
        }
    }
}
