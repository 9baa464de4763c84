import Foundation
public import Logging
public import Vault

/// Reads a snapshot's objects of some types from the vault, logging with the caller's `logger`.
public struct SnapshotObjectReader: Sendable {
    let vault: Vault
    let logger: Logger?

    public init(vault: Vault, logger: Logger? = nil) {
        self.vault = vault
        self.logger = logger
    }

    /// Every object of `types` live at `snapshot`.
    public func objects(of snapshot: SnapshotSummary, types: Set<String>) async throws -> TenantObjects {
        var result = TenantObjects()
        for type in types.sorted() {
            var objects: [String: CanonicalJSON] = [:]
            for version in try await self.vault.versions(tenantID: snapshot.tenantID, type: type, at: snapshot.id, logger: self.logger) {
                objects[version.objectID] = try CanonicalJSON.parse(try await self.vault.read(version.blobID, tenantID: snapshot.tenantID, logger: self.logger))
            }
            result[type] = objects
        }
        return result
    }
}
