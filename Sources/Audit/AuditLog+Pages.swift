public import Foundation
public import Postgres

extension AuditLog {
    /// Entries newest first, optionally of one tenant, one actor and one action (exact matches),
    /// only older than `beforeID` when given (the next page of a previous call). Each filter has
    /// an index ending in `id` (migration 0025), so a page reads about `limit` rows.
    public static func entries(tenantID: UUID?, actor: String? = nil, action: String? = nil, beforeID: Int64?, limit: Int,
                               client: PostgresClient) async throws -> [AuditEntry] {
        try await client.query("""
            SELECT id, actor, action, tenant_id, partner_id, details, at FROM audit_log
            WHERE (\(tenantID)::uuid IS NULL OR tenant_id = \(tenantID)) AND (\(actor)::text IS NULL OR actor = \(actor)::text)
              AND (\(action)::text IS NULL OR action = \(action)::text) AND (\(beforeID)::bigint IS NULL OR id < \(beforeID)::bigint)
            ORDER BY id DESC LIMIT \(limit)
            """).rows.map(Self.entry(from:))
    }
}
