import Audit
public import Foundation
public import Logging
public import Postgres
public import Graph

/// Partners and tenants in PostgreSQL; every change is audited.
public struct TenantRegistry: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func addPartner(name: String, actor: String) async throws -> Partner {
        try await self.client.withTransaction { connection in
            let row = try await connection.query("""
                INSERT INTO partners (name) VALUES (\(name)) RETURNING id, name, created_at
                """).first!
            let partner = Partner(id: try row.decode(UUID.self, "id"), name: try row.decode(String.self, "name"),
                                  createdAt: try row.decode(Date.self, "created_at"))
            try await AuditLog.record(actor: actor, action: "partner.add", partnerID: partner.id, details: ["name": name], on: connection)
            return partner
        }
    }

    /// Adds a tenant in status `onboarding`.
    public func addTenant(_ tenant: NewTenant, actor: String) async throws -> Tenant {
        do {
            return try await self.client.withTransaction { connection in
                try await self.addTenant(tenant, actor: actor, on: connection)
            }
        } catch let error as PostgresError where error.sqlState == SQLState.foreignKeyViolation {
            throw TenancyError(.partnerNotFound, "no partner has id \(tenant.partnerID?.uuidString.lowercased() ?? "nil")", underlying: error)
        }
    }

    /// Adds a tenant inside the caller's transaction.
    func addTenant(_ tenant: NewTenant, actor: String, on connection: PostgresConnection) async throws -> Tenant {
        let domain = tenant.primaryDomain.isEmpty ? nil : tenant.primaryDomain
        let row: PostgresRow
        do {
            row = try await connection.query("""
                INSERT INTO tenants (display_name, entra_tenant_id, primary_domain, partner_id, size_class, policy_id, status, status_reason,
                                     scratch)
                VALUES (\(tenant.displayName), \(tenant.entraTenantID), \(domain), \(tenant.partnerID),
                        \(tenant.sizeClass), \(tenant.policyID), 'onboarding', 'added', \(tenant.scratch))
                RETURNING \(unescaped: Self.columns)
                """).first!
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation {
            throw TenancyError(.duplicateTenant, "a tenant with Entra tenant id \(tenant.entraTenantID.uuidString.lowercased()) already exists", underlying: error)
        }
        let added = try Self.tenant(from: row)
        var details = ["entra_tenant_id": tenant.entraTenantID.uuidString.lowercased(), "display_name": tenant.displayName]
        if let domain { details["primary_domain"] = domain }
        if let policyID = tenant.policyID { details["policy_id"] = policyID.uuidString.lowercased() }
        if tenant.scratch { details["scratch"] = "true" }
        try await AuditLog.record(actor: actor, action: "tenant.add", tenantID: added.id, partnerID: tenant.partnerID,
                                  details: details, on: connection)
        return added
    }

    public func tenant(id: UUID, logger: Logger? = nil) async throws -> Tenant {
        let logger = logger ?? self.logger
        guard let row = try await self.client.query("SELECT \(unescaped: Self.columns) FROM tenants WHERE id = \(id)", logger: logger).first else {
            throw TenancyError(.tenantNotFound, "no tenant has id \(id.uuidString.lowercased())")
        }
        return try Self.tenant(from: row)
    }

    /// Tenants, optionally of one partner, by display name.
    public func tenants(partnerID: UUID? = nil) async throws -> [Tenant] {
        try await self.client.query("""
            SELECT \(unescaped: Self.columns) FROM tenants
            WHERE \(partnerID)::uuid IS NULL OR partner_id = \(partnerID)
            ORDER BY display_name, id
            """).rows.map(Self.tenant(from:))
    }

    /// Sets a tenant's status and the reason an operator will read; audited.
    @discardableResult
    public func setStatus(_ status: TenantStatus, reason: String, tenantID: UUID, actor: String, logger: Logger? = nil) async throws -> Tenant {
        let logger = logger ?? self.logger
        let updated = try await self.client.withTransaction(logger: logger) { connection -> Tenant in
            guard let row = try await connection.query("""
                UPDATE tenants SET status = \(status.rawValue), status_reason = \(reason), status_changed_at = now()
                WHERE id = \(tenantID) RETURNING \(unescaped: Self.columns)
                """).first else {
                throw TenancyError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
            }
            try await AuditLog.record(actor: actor, action: "tenant.status", tenantID: tenantID,
                                      details: ["status": status.rawValue, "reason": reason], on: connection)
            return try Self.tenant(from: row)
        }
        logger.notice("tenant status changed", metadata: [
            "tenant.id": "\(tenantID.uuidString.lowercased())", "tenant.status": "\(status.rawValue)", "tenant.status_reason": "\(reason)",
        ])
        return updated
    }

    /// Marks the tenant as a scratch tenant for restore drills, or unmarks it; audited.
    @discardableResult
    public func setScratch(_ scratch: Bool, tenantID: UUID, actor: String) async throws -> Tenant {
        try await self.client.withTransaction { connection -> Tenant in
            guard let row = try await connection.query("""
                UPDATE tenants SET scratch = \(scratch) WHERE id = \(tenantID) RETURNING \(unescaped: Self.columns)
                """).first else {
                throw TenancyError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
            }
            try await AuditLog.record(actor: actor, action: "tenant.scratch", tenantID: tenantID, details: ["scratch": "\(scratch)"],
                                      on: connection)
            return try Self.tenant(from: row)
        }
    }

    static let columns = """
        id, entra_tenant_id, primary_domain, display_name, partner_id, status, status_reason, status_changed_at, size_class, created_at, \
        scratch
        """

    static func tenant(from row: PostgresRow) throws -> Tenant {
        let statusText = try row.decode(String.self, "status")
        guard let status = TenantStatus(rawValue: statusText) else {
            throw TenancyError(.corruptRow, "tenant status '\(statusText)' is unknown")
        }
        return Tenant(
            id: try row.decode(UUID.self, "id"),
            entraTenantID: try row.decode(UUID?.self, "entra_tenant_id"),
            primaryDomain: try row.decode(String?.self, "primary_domain"),
            displayName: try row.decode(String.self, "display_name"),
            partnerID: try row.decode(UUID?.self, "partner_id"),
            status: status,
            statusReason: try row.decode(String?.self, "status_reason"),
            statusChangedAt: try row.decode(Date.self, "status_changed_at"),
            sizeClass: try row.decode(String.self, "size_class"),
            createdAt: try row.decode(Date.self, "created_at"),
            scratch: try row.decode(Bool.self, "scratch")
        )
    }
}

extension TenantRegistry {
    /// Marks the tenant `credentials_invalid` when `error` says only an operator can fix sign-in
    /// (wrong or expired secret, unknown certificate, app not consented, tenant not found), with
    /// the AADSTS message as the reason. Returns whether it did; transient failures change nothing.
    @discardableResult
    public func recordAuthenticationFailure(_ error: GraphAuthenticationError, tenantID: UUID, actor: String, logger: Logger? = nil) async throws -> Bool {
        let logger = logger ?? self.logger
        guard error.isCredentialInvalid else { return false }
        try await self.setStatus(.credentialsInvalid, reason: error.message, tenantID: tenantID, actor: actor, logger: logger)
        return true
    }
}
