public import Foundation
public import Graph
public import Postgres

/// The last permission probe of each tenant, in `tenant_probes`.
public struct TenantProbeStore: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    public func store(_ report: PermissionReport, tenantID: UUID, clientID: UUID) async throws {
        let json = try PostgresJSON(encoding: report)
        try await self.client.query("""
            INSERT INTO tenant_probes (tenant_id, probed_at, client_id, backup_ready, result)
            VALUES (\(tenantID), \(report.probedAt), \(clientID), \(report.backupReady), \(json)::jsonb)
            ON CONFLICT (tenant_id) DO UPDATE SET probed_at = EXCLUDED.probed_at, client_id = EXCLUDED.client_id,
                backup_ready = EXCLUDED.backup_ready, result = EXCLUDED.result
            """)
    }

    /// The tenant's last probe, or nil when it was never probed.
    public func lastReport(tenantID: UUID) async throws -> PermissionReport? {
        guard let row = try await self.client.query("SELECT result FROM tenant_probes WHERE tenant_id = \(tenantID)").first else {
            return nil
        }
        return try row.decode(PostgresJSON.self, "result").decode(PermissionReport.self)
    }
}
