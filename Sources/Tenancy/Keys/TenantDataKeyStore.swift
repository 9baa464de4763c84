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
        try await self.refuseRetiredMasterKey(on: connection)
        let dataKey = DataKey.generate(tenantID: Self.aadTenantID(tenantID))
        let wrapped = try dataKey.wrapped(under: self.keyRing.current)
        try await connection.query("""
            INSERT INTO tenant_data_keys (tenant_id, data_key_id, wrapped_key, master_key_id)
            VALUES (\(tenantID), \(wrapped.dataKeyID), \(PostgresBytes(wrapped.serialized)), \(wrapped.masterKeyID))
            """)
        return dataKey
    }

    /// Throws `retiredMasterKey` when a rotation retired this process's current master key: a
    /// process that missed the restart must not wrap new data keys under a key about to be destroyed.
    func refuseRetiredMasterKey(on connection: PostgresConnection) async throws {
        let currentID = self.keyRing.current.id
        if let row = try await connection.query("""
            SELECT retired_at FROM retired_master_keys WHERE master_key_id = \(currentID) FOR SHARE
            """).first {
            throw TenancyError(.retiredMasterKey, "master key \(currentID) was retired by a key rotation at \(try row.decode(Date.self, "retired_at")); restart this process with the new master key before it creates data keys")
        }
    }

    /// The tenant's first data key: what names its blobs and hashes its snapshots, whatever key
    /// seals them now (`rotateDataKey`).
    public func identityDataKey(tenantID: UUID, on connection: PostgresConnection) async throws -> DataKey {
        guard let row = try await connection.query("""
            SELECT wrapped_key FROM tenant_data_keys WHERE tenant_id = \(tenantID)
            ORDER BY created_at, data_key_id LIMIT 1
            """).first else {
            throw TenancyError(.corruptRow, "tenant \(tenantID.uuidString.lowercased()) has no data key")
        }
        return try self.unwrap(row: row, tenantID: tenantID)
    }

    /// Makes a new data key the tenant's current one (after a worker that held the old one was
    /// compromised, or before a key has sealed too many blobs): what is sealed from now on uses
    /// it; what the old key sealed stays readable, since its row stays. Call inside a transaction.
    public func rotateDataKey(tenantID: UUID, on connection: PostgresConnection) async throws -> DataKey {
        // Locks the tenant row, and gives a tenant that never had a key its first one to rotate from.
        _ = try await self.currentDataKey(tenantID: tenantID, on: connection)
        try await self.refuseRetiredMasterKey(on: connection)
        let dataKey = DataKey.generate(tenantID: Self.aadTenantID(tenantID))
        let wrapped = try dataKey.wrapped(under: self.keyRing.current)
        // clock_timestamp(), not now(): the new row must sort after the one created in this
        // transaction by the first use above.
        try await connection.query("""
            INSERT INTO tenant_data_keys (tenant_id, data_key_id, wrapped_key, master_key_id, created_at)
            VALUES (\(tenantID), \(wrapped.dataKeyID), \(PostgresBytes(wrapped.serialized)), \(wrapped.masterKeyID),
                    GREATEST(clock_timestamp(), (SELECT max(created_at) FROM tenant_data_keys WHERE tenant_id = \(tenantID)) + interval '1 microsecond'))
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
