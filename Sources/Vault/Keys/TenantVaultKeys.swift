public import Logging
public import Cryptography
public import Foundation

/// The keys a tenant's vault uses, each derived from one of the tenant's data keys with its own
/// HKDF purpose: sealing blobs, naming blobs, and hashing snapshot maps. Keys of different tenants
/// are unrelated, so equal objects in two tenants get different ids and nothing links them.
public struct TenantVaultKeys: Sendable {
    public let tenantID: UUID
    /// The data key they derive from; recorded in each blob and on each snapshot.
    public let dataKeyID: String
    let encryptionKey: SecretBytes
    let idKey: SecretBytes
    let rootKey: SecretBytes

    public init(dataKey: DataKey, tenantID: UUID) {
        self.tenantID = tenantID
        self.dataKeyID = dataKey.id
        self.encryptionKey = dataKey.derivedKey(purpose: "vault.blob-encryption")
        self.idKey = dataKey.derivedKey(purpose: "vault.blob-id")
        self.rootKey = dataKey.derivedKey(purpose: "vault.snapshot-root")
    }

    /// The blob id of `canonical` (canonical JSON): HMAC-SHA-256 under the tenant's id key.
    public func blobID(of canonical: [UInt8]) -> BlobID {
        BlobID(bytes: self.idKey.withTemporaryArray { HMACSHA256.authenticate(canonical, key: $0) })
    }
}

/// Gives the vault a tenant's keys: the current ones to write, or those of a named data key to
/// read what an older key sealed.
public protocol VaultKeyProvider: Sendable {
    /// `logger`: the caller's (a provider that queries logs its statements there).
    func currentKeys(tenantID: UUID, logger: Logger) async throws -> TenantVaultKeys
    func keys(tenantID: UUID, dataKeyID: String, logger: Logger) async throws -> TenantVaultKeys
}
