public import Foundation
public import Postgres

extension AuditLog {
    /// Entries newest first, optionally of one tenant, only older than `beforeID` when given (the
    /// next page of a previous call).
    public static func entries(tenantID: UUID?, beforeID: Int64?, limit: Int, client: PostgresClient) async throws -> [AuditEntry] {
        try await client.query("""
            SELECT id, actor, action, tenant_id, partner_id, details, at FROM audit_log
            WHERE (\(tenantID)::uuid IS NULL OR tenant_id = \(tenantID)) AND (\(beforeID)::bigint IS NULL OR id < \(beforeID)::bigint)
            ORDER BY id DESC LIMIT \(limit)
            """).rows.map(Self.entry(from:))
    }
}
