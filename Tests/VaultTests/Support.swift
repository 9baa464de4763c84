import Cryptography
import Foundation
import HoldfastTesting
import Logging
import Postgres
import Tenancy
@testable import Vault

/// Keys for tests without a database: a fresh data key per tenant id.
struct FixedKeyProvider: VaultKeyProvider {
    let keys: [UUID: TenantVaultKeys]

    init(tenants: [UUID]) {
        self.keys = Dictionary(uniqueKeysWithValues: tenants.map {
            ($0, TenantVaultKeys(dataKey: DataKey.generate(tenantID: $0.uuidString.lowercased()), tenantID: $0))
        })
    }

    func currentKeys(tenantID: UUID, logger: Logger) async throws -> TenantVaultKeys {
        try await self.keys(tenantID: tenantID, dataKeyID: "", logger: logger)
    }

    func keys(tenantID: UUID, dataKeyID: String, logger: Logger) async throws -> TenantVaultKeys {
        guard let keys = self.keys[tenantID] else { throw VaultError(.notFound, "no keys for \(tenantID)") }
        return keys
    }
}

/// A database schema with tenants and a vault over PostgreSQL blobs.
struct VaultFixture {
    let schema: IsolatedSchema
    let logger: Logger
    let keyProvider: TenancyVaultKeyProvider
    let vault: Vault

    init(schema: IsolatedSchema, blobStore: (any BlobStore)? = nil) {
        self.schema = schema
        self.logger = TestLogger.make(label: "vault-test")
        self.keyProvider = TenancyVaultKeyProvider(client: schema.client,
                                                   dataKeys: TenantDataKeyStore(keyRing: MasterKeyRing(current: MasterKey.generate())))
        self.vault = Vault(client: schema.client, blobStore: blobStore ?? PostgresBlobStore(client: schema.client),
                           keyProvider: self.keyProvider, logger: self.logger)
    }

    func addTenant(_ name: String) async throws -> UUID {
        try await TenantRegistry(client: schema.client, logger: logger).addTenant(
            NewTenant(entraTenantID: UUID(), primaryDomain: "\(name).onmicrosoft.com", displayName: name), actor: "test").id
    }

    /// A job row the way the queue holds a claimed backup.
    func runningJob(tenantID: UUID, workerID: UUID = UUID(), attempt: Int = 1) async throws -> (Int64, UUID, Int) {
        let id = try await schema.client.query("""
            INSERT INTO jobs (kind, tenant_id, state, attempt, worker_id, attempted_at, lease_expires_at)
            VALUES ('backup', \(tenantID), 'running', \(attempt), \(workerID), now(), now() + interval '5 minutes')
            RETURNING id
            """).first!.decode(Int64.self, "id")
        return (id, workerID, attempt)
    }
}

func json(_ text: String) throws -> [UInt8] { try CanonicalJSON.canonicalize(Array(text.utf8)) }
