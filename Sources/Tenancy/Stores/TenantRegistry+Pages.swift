public import Foundation
import Postgres

extension TenantRegistry {
    /// One page of tenants by display name, optionally of one partner and in one status.
    public func tenants(partnerID: UUID?, status: TenantStatus?, offset: Int, limit: Int) async throws -> [Tenant] {
        try await self.client.query("""
            SELECT \(unescaped: Self.columns) FROM tenants
            WHERE (\(partnerID)::uuid IS NULL OR partner_id = \(partnerID))
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
            ORDER BY display_name, id OFFSET \(offset) LIMIT \(limit)
            """).rows.map(Self.tenant(from:))
    }
}
