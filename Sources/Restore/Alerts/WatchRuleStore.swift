import Audit
public import Foundation
public import Logging
public import Postgres

/// The `watch_rules` table.
public struct WatchRuleStore: Sendable {
    let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// Adds a rule; audited.
    public func add(_ rule: WatchRule, actor: String) async throws {
        try await self.client.withTransaction { connection in
            try await connection.query("""
                INSERT INTO watch_rules (id, name, tenant_id, kind, options)
                VALUES (\(rule.id), \(rule.name), \(rule.tenantID), \(rule.kind.rawValue), \(try PostgresJSON(encoding: rule.options))::jsonb)
                """)
            try await AuditLog.record(actor: actor, action: "watch.add", tenantID: rule.tenantID,
                                      details: ["rule.name": rule.name, "rule.kind": rule.kind.rawValue], on: connection)
        }
    }

    /// Removes a rule by name; false when there was none.
    public func remove(name: String, actor: String) async throws -> Bool {
        try await self.client.withTransaction { connection in
            let removed = try await connection.query("DELETE FROM watch_rules WHERE name = \(name) RETURNING id").first != nil
            if removed {
                try await AuditLog.record(actor: actor, action: "watch.remove", details: ["rule.name": name], on: connection)
            }
            return removed
        }
    }

    /// Every rule, or those applying to `tenantID` (its own and the global ones).
    public func rules(tenantID: UUID? = nil, logger: Logger? = nil) async throws -> [WatchRule] {
        try await self.client.query("""
            SELECT id, name, tenant_id, kind, options::text AS options FROM watch_rules
            WHERE \(tenantID)::uuid IS NULL OR tenant_id IS NULL OR tenant_id = \(tenantID) ORDER BY name
            """, logger: logger).compactMap { row in
            guard let kind = WatchRule.Kind(rawValue: try row.decode(String.self, "kind")) else { return nil }
            return WatchRule(id: try row.decode(UUID.self, "id"), name: try row.decode(String.self, "name"),
                             tenantID: try row.decode(UUID?.self, "tenant_id"), kind: kind,
                             options: try JSONDecoder().decode([String: String].self, from: Data(try row.decode(String.self, "options").utf8)))
        }
    }
}
