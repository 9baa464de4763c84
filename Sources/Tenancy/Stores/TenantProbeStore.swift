import Audit
public import Foundation
public import Graph
public import Postgres

/// The last permission probe of each tenant, in `tenant_probes`.
public struct TenantProbeStore: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// Stores `report` as the tenant's last probe and audits it (`tenant.probe`, with what is missing).
    public func store(_ report: PermissionReport, tenantID: UUID, clientID: UUID, actor: String) async throws {
        let json = try PostgresJSON(encoding: report)
        try await self.client.withTransaction { connection in
            try await connection.query("""
                INSERT INTO tenant_probes (tenant_id, probed_at, client_id, backup_ready, result)
                VALUES (\(tenantID), \(report.probedAt), \(clientID), \(report.backupReady), \(json)::jsonb)
                ON CONFLICT (tenant_id) DO UPDATE SET probed_at = EXCLUDED.probed_at, client_id = EXCLUDED.client_id,
                    backup_ready = EXCLUDED.backup_ready, result = EXCLUDED.result
                """)
            try await AuditLog.record(actor: actor, action: "tenant.probe", tenantID: tenantID, details: [
                "client_id": clientID.uuidString.lowercased(), "backup_ready": "\(report.backupReady)",
                "missing_backup_permissions": report.missingBackupPermissions.joined(separator: ","),
            ], on: connection)
        }
    }

    /// The tenant's last probe, or nil when it was never probed.
    public func lastReport(tenantID: UUID) async throws -> PermissionReport? {
        guard let row = try await self.client.query("SELECT result FROM tenant_probes WHERE tenant_id = \(tenantID)").first else {
            return nil
        }
        return try row.decode(PostgresJSON.self, "result").decode(PermissionReport.self)
    }
}
