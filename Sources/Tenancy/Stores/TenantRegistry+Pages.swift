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

extension TenantRegistry {
    /// Where a keyset page of tenants by display name starts: after this tenant.
    public struct NameCursor: Sendable, Hashable {
        public var displayName: String
        public var id: UUID
        public init(displayName: String, id: UUID) {
            self.displayName = displayName
            self.id = id
        }
    }

    /// One keyset page of tenants by display name (then id): optionally of one partner, in one
    /// status, whose name or primary domain contains `search` (case-insensitive, taken literally),
    /// after `cursor`. Cost follows the page, not how deep into the list it is.
    public func tenants(partnerID: UUID?, status: TenantStatus?, search: String?, after cursor: NameCursor?, limit: Int) async throws -> [Tenant] {
        let search = search.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        return try await self.client.query("""
            SELECT \(unescaped: Self.columns) FROM tenants
            WHERE (\(partnerID)::uuid IS NULL OR partner_id = \(partnerID))
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(search)::text IS NULL OR strpos(lower(display_name), \(search)::text) > 0
                   OR strpos(lower(coalesce(primary_domain, '')), \(search)::text) > 0)
              AND (\(cursor?.displayName)::text IS NULL OR (display_name, id) > (\(cursor?.displayName)::text, \(cursor?.id)::uuid))
            ORDER BY display_name, id LIMIT \(max(1, limit))
            """).rows.map(Self.tenant(from:))
    }
}
