import Cryptography
import Foundation
import HoldfastTesting
import Jobs
import Logging
import Postgres
import Tenancy
import Vault

/// A database schema with one tenant and a vault over the PostgreSQL blob store, for retention
/// tests that write snapshots directly (no Graph).
struct VaultHarness {
    let schema: IsolatedSchema
    let vault: Vault
    let policies: PolicyStore
    let dataKeys: TenantDataKeyStore
    let tenantID: UUID
    let logger: Logger

    /// With `filesUnder`, blobs live in a `FileBlobStore` there instead of PostgreSQL.
    static func run(filesUnder directory: URL? = nil, _ body: (VaultHarness) async throws -> Void) async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make(label: "retention-test")
            let tenant = try await TenantRegistry(client: schema.client, logger: logger).addTenant(
                NewTenant(entraTenantID: UUID(), primaryDomain: "fabrikam.example", displayName: "Fabrikam"), actor: "test")
            let dataKeys = TenantDataKeyStore(keyRing: MasterKeyRing(current: MasterKey.generate()))
            let keys = TenancyVaultKeyProvider(client: schema.client, dataKeys: dataKeys)
            let store: any BlobStore = directory.map { FileBlobStore(root: $0) } ?? PostgresBlobStore(client: schema.client)
            let vault = Vault(client: schema.client, blobStore: store, keyProvider: keys, logger: logger)
            try await body(VaultHarness(schema: schema, vault: vault, policies: PolicyStore(client: schema.client, logger: logger),
                                        dataKeys: dataKeys, tenantID: tenant.id, logger: logger))
        }
    }

    static func json(_ text: String) throws -> [UInt8] { try CanonicalJSON.canonicalize(Array(text.utf8)) }

    /// Commits one snapshot holding exactly `objects` (type → id → JSON).
    @discardableResult
    func commit(jobID: Int64, _ objects: [String: [String: String]], missing: [SnapshotSummary.MissingType] = []) async throws -> SnapshotSummary {
        let writer = try await self.vault.beginSnapshot(tenantID: self.tenantID, jobID: jobID)
        var newBlobs = 0, bytes = 0
        for (type, byID) in objects {
            let staged = try await writer.stage(type: type, objects: try byID.map { ($0.key, try Self.json($0.value)) }, fullyRead: true)
            newBlobs += staged.newBlobs
            bytes += staged.bytesAdded
        }
        return try await writer.commit(SnapshotCommit(kind: .full, startedAt: Date(), fullyReadTypes: ["user", "group"].filter { missing.map(\.type).contains($0) == false },
                                                      deltaLinks: [:], missingTypes: missing, newBlobs: newBlobs, bytesAdded: bytes))
    }

    /// Moves snapshots' commit times (the guard trigger forbids it outside tests).
    func setCommittedAt(_ times: [Int64: Date]) async throws {
        try await self.schema.client.withTransaction { connection in
            try await connection.query("ALTER TABLE snapshots DISABLE TRIGGER snapshots_guard_update")
            for (id, time) in times { try await connection.query("UPDATE snapshots SET committed_at = \(time) WHERE id = \(id)") }
            try await connection.query("ALTER TABLE snapshots ENABLE TRIGGER snapshots_guard_update")
        }
    }

    /// Every object of a snapshot, decrypted: what a restore would read.
    func contents(_ snapshotID: Int64) async throws -> [String: [UInt8]] {
        let snapshot = try await self.vault.snapshot(id: snapshotID)
        var result: [String: [UInt8]] = [:]
        try await self.vault.forEachEntry(of: snapshot) { page in
            for entry in page { result["\(entry.type)/\(entry.objectID)"] = try await self.vault.read(entry.blobID, tenantID: self.tenantID) }
        }
        return result
    }

    func storedBlobs() async throws -> Set<BlobID> {
        Set(try await self.vault.blobStore.list(tenantID: self.tenantID, after: nil, limit: 1_000_000, logger: TestLogger.make()))
    }

    func referencedBlobs() async throws -> Set<BlobID> {
        Set(try await self.schema.client.query("""
            SELECT DISTINCT encode(blob_id, 'hex') AS b FROM object_versions WHERE tenant_id = \(self.tenantID)
            """).rows.compactMap { BlobID(hex: try $0.decode(String.self, "b")) })
    }
}
