public import Cryptography
public import Foundation
public import Postgres

/// Each tenant's data key, wrapped under the master key ring's current key in `tenant_data_keys`.
///
/// A tenant's newest row is its current data key; older rows stay as long as something sealed
/// with them does (sealed secrets name their data key).
public struct TenantDataKeyStore: Sendable {
    public let keyRing: MasterKeyRing

    public init(keyRing: MasterKeyRing) {
        self.keyRing = keyRing
    }

    /// The tenant's current data key, created (and wrapped) on first use. Call inside a
    /// transaction: the tenant row is locked so two callers never create two keys.
    public func currentDataKey(tenantID: UUID, on connection: PostgresConnection) async throws -> DataKey {
        guard try await connection.query("SELECT id FROM tenants WHERE id = \(tenantID) FOR UPDATE").first != nil else {
            throw TenancyError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
        }
        if let row = try await connection.query("""
            SELECT wrapped_key FROM tenant_data_keys WHERE tenant_id = \(tenantID)
            ORDER BY created_at DESC, data_key_id DESC LIMIT 1
            """).first {
            return try self.unwrap(row: row, tenantID: tenantID)
        }
        let dataKey = DataKey.generate(tenantID: Self.aadTenantID(tenantID))
        let wrapped = try dataKey.wrapped(under: self.keyRing.current)
        try await connection.query("""
            INSERT INTO tenant_data_keys (tenant_id, data_key_id, wrapped_key, master_key_id)
            VALUES (\(tenantID), \(wrapped.dataKeyID), \(PostgresBytes(wrapped.serialized)), \(wrapped.masterKeyID))
            """)
        return dataKey
    }

    /// The data key `dataKeyID` of the tenant, to open what it sealed.
    public func dataKey(id dataKeyID: String, tenantID: UUID, on connection: PostgresConnection) async throws -> DataKey {
        guard let row = try await connection.query("""
            SELECT wrapped_key FROM tenant_data_keys WHERE tenant_id = \(tenantID) AND data_key_id = \(dataKeyID)
            """).first else {
            throw TenancyError(.corruptRow, "tenant \(tenantID.uuidString.lowercased()) has no data key \(dataKeyID)")
        }
        return try self.unwrap(row: row, tenantID: tenantID)
    }

    private func unwrap(row: PostgresRow, tenantID: UUID) throws -> DataKey {
        let wrapped = try WrappedDataKey(serialized: try row.decode(PostgresBytes.self, "wrapped_key").bytes)
        return try wrapped.unwrap(tenantID: Self.aadTenantID(tenantID), keyRing: self.keyRing)
    }

    /// The tenant id as bound into associated data: lower-case UUID text.
    static func aadTenantID(_ id: UUID) -> String {
        id.uuidString.lowercased()
    }
}
