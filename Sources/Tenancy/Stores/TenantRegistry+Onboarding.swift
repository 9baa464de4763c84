import Audit
public import Foundation
public import Logging
import Postgres

extension TenantRegistry {
    /// The tenant named by Holdfast's id, its Entra tenant id, or its primary domain.
    public func tenant(reference: String) async throws -> Tenant {
        let text = reference.trimmingCharacters(in: .whitespaces).lowercased()
        let rows = try await self.client.query("""
            SELECT \(unescaped: Self.columns) FROM tenants
            WHERE id::text = \(text) OR entra_tenant_id::text = \(text) OR lower(primary_domain) = \(text)
            ORDER BY (id::text = \(text)) DESC LIMIT 2
            """)
        guard let row = rows.first else {
            throw TenancyError(.tenantNotFound, "no tenant has id, Entra tenant id or domain '\(reference)'")
        }
        return try Self.tenant(from: row)
    }

    /// The partner named `reference`, or with that id: the one partner lookup of the CLI, the API
    /// and scheduled reports. A name wins over an id that happens to read the same.
    public func partner(reference: String) async throws -> Partner {
        let id = UUID(uuidString: reference.trimmingCharacters(in: .whitespaces))
        guard let row = try await self.client.query("""
            SELECT id, name, created_at FROM partners WHERE name = \(reference) OR id = \(id)
            ORDER BY (name = \(reference)) DESC LIMIT 1
            """).first else {
            throw TenancyError(.partnerNotFound, "no partner has name or id '\(reference)'")
        }
        return try Self.partner(from: row)
    }

    /// The partner with this id (an API body names partners by id only).
    public func partner(id: UUID) async throws -> Partner {
        guard let row = try await self.client.query("SELECT id, name, created_at FROM partners WHERE id = \(id)").first else {
            throw TenancyError(.partnerNotFound, "no partner has id \(id.uuidString.lowercased())")
        }
        return try Self.partner(from: row)
    }

    /// Every partner, by name.
    public func partners() async throws -> [Partner] {
        try await self.client.query("SELECT id, name, created_at FROM partners ORDER BY name").rows.map(Self.partner(from:))
    }

    /// The partner called `name`, added (and audited) on first use, inside the caller's transaction.
    func partner(named name: String, creatingAs actor: String, on connection: PostgresConnection) async throws -> Partner {
        if let row = try await connection.query("SELECT id, name, created_at FROM partners WHERE name = \(name)").first {
            return try Self.partner(from: row)
        }
        let row = try await connection.query("""
            INSERT INTO partners (name) VALUES (\(name))
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id, name, created_at
            """).first!
        let partner = try Self.partner(from: row)
        try await AuditLog.record(actor: actor, action: "partner.add", partnerID: partner.id, details: ["name": name], on: connection)
        return partner
    }

    /// The id of the policy called `name`.
    func policyID(named name: String, on connection: PostgresConnection) async throws -> UUID {
        guard let row = try await connection.query("SELECT id FROM policies WHERE name = \(name)").first else {
            let known = try await connection.query("SELECT name FROM policies ORDER BY name").rows.map { try $0.decode(String.self, "name") }
            throw TenancyError(.policyNotFound, "no policy is called '\(name)' (known: \(known.joined(separator: ", ")))")
        }
        return try row.decode(UUID.self, "id")
    }

    /// Changes a tenant's display name, policy or partner (nil leaves each as it is); audited.
    @discardableResult
    public func update(tenantID: UUID, displayName: String? = nil, policyName: String? = nil, partnerName: String? = nil,
                       actor: String) async throws -> Tenant {
        try await self.client.withTransaction { connection in
            var details: [String: String] = [:]
            var policyID: UUID?
            var partnerID: UUID?
            if let policyName {
                policyID = try await self.policyID(named: policyName, on: connection)
                details["policy"] = policyName
            }
            if let partnerName {
                partnerID = try await self.partner(named: partnerName, creatingAs: actor, on: connection).id
                details["partner"] = partnerName
            }
            if let displayName { details["display_name"] = displayName }
            guard let row = try await connection.query("""
                UPDATE tenants SET display_name = coalesce(\(displayName), display_name),
                    policy_id = coalesce(\(policyID), policy_id), partner_id = coalesce(\(partnerID), partner_id)
                WHERE id = \(tenantID) RETURNING \(unescaped: Self.columns)
                """).first else {
                throw TenancyError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
            }
            try await AuditLog.record(actor: actor, action: "tenant.update", tenantID: tenantID, partnerID: partnerID,
                                      details: details, on: connection)
            return try Self.tenant(from: row)
        }
    }

    /// Records the tenant's Graph throttling class (`S`, `M`, `L`) as its user count shows it;
    /// audited when it changes. Returns whether it changed.
    @discardableResult
    public func recordSizeClass(_ sizeClass: String, tenantID: UUID, actor: String, logger: Logger? = nil) async throws -> Bool {
        let logger = logger ?? self.logger
        guard ["S", "M", "L"].contains(sizeClass) else {
            throw TenancyError(.invalidRequest, "size class must be S, M or L, not \(sizeClass)")
        }
        return try await self.client.withTransaction(logger: logger) { connection in
            guard let row = try await connection.query("""
                UPDATE tenants t SET size_class = \(sizeClass) FROM tenants old
                WHERE t.id = \(tenantID) AND old.id = t.id AND t.size_class <> \(sizeClass)
                RETURNING old.size_class
                """).first else { return false }
            try await AuditLog.record(actor: actor, action: "tenant.size_class", tenantID: tenantID, partnerID: nil,
                                      details: ["from": try row.decode(String.self, "size_class"), "to": sizeClass], on: connection)
            return true
        }
    }

    /// Tenants with their partner, policy, soonest credential expiry and last probe; optionally
    /// only those in `status`, or whose credential expires before `expiringBefore`.
    public func overviews(status: TenantStatus? = nil, expiringBefore: Date? = nil, tenantID: UUID? = nil) async throws -> [TenantOverview] {
        let columns = Self.columns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
        return try await self.client.query("""
            SELECT \(unescaped: columns), p.name AS partner_name, pol.name AS policy_name, pr.probed_at,
                   (SELECT min(c.expires_at) FROM tenant_credentials c
                    WHERE c.tenant_id = t.id AND c.replaced_at IS NULL) AS credential_expires_at
            FROM tenants t
            LEFT JOIN partners p ON p.id = t.partner_id
            LEFT JOIN policies pol ON pol.id = t.policy_id
            LEFT JOIN tenant_probes pr ON pr.tenant_id = t.id
            WHERE (\(status?.rawValue)::text IS NULL OR t.status = \(status?.rawValue))
              AND (\(tenantID)::uuid IS NULL OR t.id = \(tenantID))
              AND (\(expiringBefore)::timestamptz IS NULL OR EXISTS (
                    SELECT 1 FROM tenant_credentials c WHERE c.tenant_id = t.id AND c.replaced_at IS NULL
                      AND c.expires_at < \(expiringBefore)))
            ORDER BY t.display_name, t.id
            """).rows.map { row in
            TenantOverview(tenant: try Self.tenant(from: row), partnerName: try row.decode(String?.self, "partner_name"),
                           policyName: try row.decode(String?.self, "policy_name"),
                           credentialExpiresAt: try row.decode(Date?.self, "credential_expires_at"),
                           lastProbedAt: try row.decode(Date?.self, "probed_at"))
        }
    }

    static func partner(from row: PostgresRow) throws -> Partner {
        Partner(id: try row.decode(UUID.self, "id"), name: try row.decode(String.self, "name"),
                createdAt: try row.decode(Date.self, "created_at"))
    }
}
