public import Foundation
public import Postgres

/// One operator action.
public struct AuditEntry: Sendable, Hashable {
    public let id: Int64
    public let actor: String
    public let action: String
    public let tenantID: UUID?
    public let partnerID: UUID?
    /// Facts about the action (ids, names, thumbprints, expiry); never secret values.
    public let details: [String: String]
    public let at: Date
}

/// The `audit_log` table: written in the same transaction as the change it records.
public enum AuditLog {
    /// Records an action on `connection` (inside the caller's transaction).
    public static func record(
        actor: String,
        action: String,
        tenantID: UUID? = nil,
        partnerID: UUID? = nil,
        details: [String: String] = [:],
        on connection: PostgresConnection
    ) async throws {
        let json = try PostgresJSON(encoding: details)
        try await connection.query("""
            INSERT INTO audit_log (actor, action, tenant_id, partner_id, details)
            VALUES (\(actor), \(action), \(tenantID), \(partnerID), \(json)::jsonb)
            """)
    }

    /// The newest `limit` entries, for one tenant or all.
    public static func entries(tenantID: UUID? = nil, limit: Int = 100, client: PostgresClient) async throws -> [AuditEntry] {
        let result = try await client.query("""
            SELECT id, actor, action, tenant_id, partner_id, details, at FROM audit_log
            WHERE \(tenantID)::uuid IS NULL OR tenant_id = \(tenantID)
            ORDER BY id DESC LIMIT \(limit)
            """)
        return try result.rows.map(Self.entry(from:))
    }

    static func entry(from row: PostgresRow) throws -> AuditEntry {
        AuditEntry(
            id: try row.decode(Int64.self, "id"),
            actor: try row.decode(String.self, "actor"),
            action: try row.decode(String.self, "action"),
            tenantID: try row.decode(UUID?.self, "tenant_id"),
            partnerID: try row.decode(UUID?.self, "partner_id"),
            details: try row.decode(PostgresJSON.self, "details").decode([String: String].self),
            at: try row.decode(Date.self, "at")
        )
    }
}
