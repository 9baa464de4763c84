public import Foundation
public import Postgres

extension Vault {
    /// Which of `tenantIDs` have at least one snapshot, read on the caller's connection (inside its
    /// transaction): the tenant scheduler starts a tenant without a restore point at once.
    public static func tenantsWithSnapshots(_ tenantIDs: [UUID], on connection: PostgresConnection) async throws -> Set<UUID> {
        guard !tenantIDs.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT DISTINCT tenant_id FROM snapshots WHERE tenant_id = ANY(\(tenantIDs)::uuid[])
            """)
        return Set(try rows.map { try $0.decode(UUID.self, "tenant_id") })
    }
}
