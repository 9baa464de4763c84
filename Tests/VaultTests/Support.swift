import Cryptography
import Foundation
import HoldfastTesting
import Logging
import Jobs
import Postgres
import Queue
import Tenancy
import Testing
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

    /// A backup job enqueued and claimed through the queue: its claim.
    func runningJob(tenantID: UUID, workerID: UUID = UUID()) async throws -> JobClaim {
        let job = try await JobEnqueuer(client: schema.client, logger: logger).enqueue(EnqueueRequest(kind: .backup, tenantID: tenantID)).job
        return try await self.claim(job.id, workerID: workerID)
    }

    /// What happens to a worker that stops renewing: its lease expires, the rescuer makes the job
    /// available, and `workerID` claims it as the next attempt. Returns the new claim.
    func takeOver(_ claim: JobClaim, workerID: UUID = UUID()) async throws -> JobClaim {
        try await schema.client.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = \(claim.jobID)")
        #expect(try await JobRescuer(client: schema.client, logger: logger).runOnce() == 1)
        return try await self.claim(claim.jobID, workerID: workerID)
    }

    private func claim(_ jobID: Int64, workerID: UUID) async throws -> JobClaim {
        let claimed = try await JobClaimer(client: schema.client, logger: logger).claim(workerID: workerID, limit: 1, lease: .seconds(300),
                                                                                       kinds: [.backup])
        let claim = try #require(claimed.first?.claim)
        #expect(claim.jobID == jobID)
        return claim
    }
}

func json(_ text: String) throws -> [UInt8] { try CanonicalJSON.canonicalize(Array(text.utf8)) }
