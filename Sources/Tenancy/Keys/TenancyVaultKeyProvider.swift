public import Foundation
public import Logging
public import Postgres
public import Vault

/// Vault keys from the tenants' data keys in PostgreSQL (wrapped under the master key ring):
/// Tenancy's side of the ``VaultKeyProvider`` protocol the vault declares, so the vault needs no
/// Tenancy (the runtime hands one to the `Vault` it builds).
public struct TenancyVaultKeyProvider: VaultKeyProvider {
    let client: PostgresClient
    let dataKeys: TenantDataKeyStore

    public init(client: PostgresClient, dataKeys: TenantDataKeyStore) {
        self.client = client
        self.dataKeys = dataKeys
    }

    public func currentKeys(tenantID: UUID, logger: Logger) async throws -> TenantVaultKeys {
        // currentDataKey locks the tenant row so that two callers never create two keys.
        let (dataKey, identityKey) = try await self.client.withTransaction(logger: logger) { connection in
            let current = try await self.dataKeys.currentDataKey(tenantID: tenantID, on: connection)
            return (current, try await self.dataKeys.identityDataKey(tenantID: tenantID, on: connection))
        }
        return TenantVaultKeys(dataKey: dataKey, identityKey: identityKey, tenantID: tenantID)
    }

    public func keys(tenantID: UUID, dataKeyID: String, logger: Logger) async throws -> TenantVaultKeys {
        let (dataKey, identityKey) = try await self.client.withConnection(logger: logger) { connection in
            (try await self.dataKeys.dataKey(id: dataKeyID, tenantID: tenantID, on: connection),
             try await self.dataKeys.identityDataKey(tenantID: tenantID, on: connection))
        }
        return TenantVaultKeys(dataKey: dataKey, identityKey: identityKey, tenantID: tenantID)
    }
}
