public import Logging
public import Cryptography
public import Foundation

/// The keys a tenant's vault uses, each derived from one of the tenant's data keys with its own
/// HKDF purpose: sealing blobs, naming blobs, and hashing snapshot maps. Keys of different tenants
/// are unrelated, so equal objects in two tenants get different ids and nothing links them.
///
/// Sealing uses the tenant's current data key; naming, hashing and authenticating delta links use
/// its first one (the identity key), so rotating the data key (`holdfast keys rotate-tenant`)
/// changes how new blobs are encrypted without renaming every object, which would read as a
/// change of everything in the next snapshot.
public struct TenantVaultKeys: Sendable {
    public let tenantID: UUID
    /// The data key they derive from; recorded in each blob and on each snapshot.
    public let dataKeyID: String
    let encryptionKey: SecretBytes
    let idKey: SecretBytes
    let rootKey: SecretBytes
    let deltaLinksKey: SecretBytes

    public init(dataKey: DataKey, tenantID: UUID) {
        self.init(dataKey: dataKey, identityKey: dataKey, tenantID: tenantID)
    }

    /// `dataKey` seals; `identityKey`, the tenant's first data key, names and hashes.
    public init(dataKey: DataKey, identityKey: DataKey, tenantID: UUID) {
        self.tenantID = tenantID
        self.dataKeyID = dataKey.id
        self.encryptionKey = dataKey.derivedKey(purpose: "vault.blob-encryption")
        self.idKey = identityKey.derivedKey(purpose: "vault.blob-id")
        self.rootKey = identityKey.derivedKey(purpose: "vault.snapshot-root")
        self.deltaLinksKey = identityKey.derivedKey(purpose: "vault.delta-links")
    }

    /// The blob id of `canonical` (canonical JSON): HMAC-SHA-256 under the tenant's id key.
    public func blobID(of canonical: [UInt8]) -> BlobID {
        BlobID(bytes: self.idKey.withTemporaryArray { HMACSHA256.authenticate(canonical, key: $0) })
    }

    /// The tag stored beside a snapshot's delta links: HMAC-SHA-256 over the tenant id and the links
    /// sorted by type, each field length-prefixed, so no two different maps share an input.
    func deltaLinksTag(_ links: [String: String]) -> [UInt8] {
        self.deltaLinksKey.withTemporaryArray { HMACSHA256.authenticate(self.deltaLinksInput(links), key: $0) }
    }

    /// Whether `tag` authenticates `links` for this tenant (compared in constant time).
    func deltaLinksAreAuthentic(_ links: [String: String], tag: [UInt8]) -> Bool {
        self.deltaLinksKey.withTemporaryArray { HMACSHA256.isValid(tag, for: self.deltaLinksInput(links), key: $0) }
    }

    private func deltaLinksInput(_ links: [String: String]) -> [UInt8] {
        var input = Array("holdfast.delta-links.v1".utf8)
        func field(_ text: String) {
            let bytes = Array(text.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { input.append(contentsOf: $0) }
            input.append(contentsOf: bytes)
        }
        field(self.tenantID.uuidString.lowercased())
        for (type, link) in links.sorted(by: { $0.key < $1.key }) {
            field(type)
            field(link)
        }
        return input
    }
}

/// Gives the vault a tenant's keys: the current ones to write, or those of a named data key to
/// read what an older key sealed.
public protocol VaultKeyProvider: Sendable {
    /// `logger`: the caller's (a provider that queries logs its statements there).
    func currentKeys(tenantID: UUID, logger: Logger) async throws -> TenantVaultKeys
    func keys(tenantID: UUID, dataKeyID: String, logger: Logger) async throws -> TenantVaultKeys
}
