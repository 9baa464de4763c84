import Foundation
public import Vault

/// Reads a snapshot's objects of some types from the vault.
public struct SnapshotObjectReader: Sendable {
    let vault: Vault

    public init(vault: Vault) {
        self.vault = vault
    }

    /// Every object of `types` live at `snapshot`.
    public func objects(of snapshot: SnapshotSummary, types: Set<String>) async throws -> TenantObjects {
        var result = TenantObjects()
        for type in types.sorted() {
            var objects: [String: CanonicalJSON] = [:]
            for version in try await self.vault.versions(tenantID: snapshot.tenantID, type: type, at: snapshot.id) {
                objects[version.objectID] = try CanonicalJSON.parse(try await self.vault.read(version.blobID, tenantID: snapshot.tenantID))
            }
            result[type] = objects
        }
        return result
    }
}
