import Cryptography
import Foundation
import HoldfastTesting
import Postgres
import Testing
@testable import API

/// Stored API key hashes are keyed by the master key (review F7), survive a master key rotation,
/// and keys of earlier releases can be upgraded when the operator asks for it.
@Suite struct APIKeyHashTests {
    static func legacyRow(_ client: PostgresClient, keyID: String) async throws -> String {
        let secret = Base64URL.encode(SecureRandom.bytes(32))
        let hash = HMACSHA256.authenticate(Array(secret.utf8), key: Array("holdfast.api_key.secret.v1".utf8))
        try await client.query("""
            INSERT INTO api_keys (key_id, secret_hash, name, role, created_by)
            VALUES (\(keyID), \(PostgresBytes(hash)), 'from an earlier release', 'operator', 'cli:old')
            """)
        return "hf_live_\(keyID)_\(secret)"
    }

    @Test func aRotatedMasterKeyKeepsKeysWorkingAndRehashesThem() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let old = MasterKey.generate()
            let created = try await APIKeyStore(client: schema.client, hasher: APIKeyHasher(keyRing: MasterKeyRing(current: old)), logger: TestLogger.make())
                .create(name: "ops", role: .operator, partnerID: nil, actor: "test")
            let new = MasterKey.generate()
            let rotated = APIKeyStore(client: schema.client, hasher: APIKeyHasher(keyRing: MasterKeyRing(current: new, previous: [old])), logger: TestLogger.make())
            #expect(try await rotated.authenticate(token: created.token).get().keyID == created.key.keyID)
            let row = try await schema.client.query("SELECT hash_key_id FROM api_keys WHERE key_id = \(created.key.keyID)").first!
            #expect(try row.decode(String.self, "hash_key_id") == new.id, "re-hashed under the current key on use")
            // Once the old key is gone from the ring, the key still works: it was re-hashed.
            let newOnly = APIKeyStore(client: schema.client, hasher: APIKeyHasher(keyRing: MasterKeyRing(current: new)), logger: TestLogger.make())
            #expect(try await newOnly.authenticate(token: created.token).get().keyID == created.key.keyID)
            // A process with another master key entirely accepts nothing.
            let stranger = APIKeyStore(client: schema.client, hasher: APIKeyHasher(keyRing: MasterKeyRing(current: MasterKey.generate())), logger: TestLogger.make())
            #expect(try await stranger.authenticate(token: created.token) == .failure(.invalid))
            // Without a master key, keys cannot be checked or made: a clear 503, not a silent pass.
            let keyless = APIKeyStore(client: schema.client, hasher: nil, logger: TestLogger.make())
            await #expect(throws: APIError(.unavailable, "")) { _ = try await keyless.authenticate(token: created.token) }
            await #expect(throws: APIError(.unavailable, "")) { _ = try await keyless.create(name: "x", role: .operator, partnerID: nil, actor: "t") }
        }
    }

    @Test func legacyKeysAreRefusedUnlessTheOperatorUpgradesThem() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let ring = MasterKeyRing(current: MasterKey.generate())
            let token = try await Self.legacyRow(schema.client, keyID: "legacykey234")
            let strict = APIKeyStore(client: schema.client, hasher: APIKeyHasher(keyRing: ring), logger: TestLogger.make())
            #expect(try await strict.authenticate(token: token) == .failure(.invalid))
            let upgrading = APIKeyStore(client: schema.client, hasher: APIKeyHasher(keyRing: ring), acceptsLegacyHashes: true, logger: TestLogger.make())
            #expect(try await upgrading.authenticate(token: token).get().keyID == "legacykey234")
            let row = try await schema.client.query("SELECT hash_key_id FROM api_keys WHERE key_id = 'legacykey234'").first!
            #expect(try row.decode(String?.self, "hash_key_id") == ring.current.id)
            // Upgraded: the strict store accepts it now, and a wrong secret still fails.
            #expect(try await strict.authenticate(token: token).get().keyID == "legacykey234")
            var wrong = Array(token)
            wrong[wrong.count - 3] = wrong[wrong.count - 3] == "A" ? "B" : "A"
            #expect(try await upgrading.authenticate(token: String(wrong)) == .failure(.invalid))
        }
    }
}
