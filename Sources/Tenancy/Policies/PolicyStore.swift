import Audit
public import Foundation
public import Logging
public import Postgres

/// Named policies, their assignment to tenants, and tenant legal holds. Every change is written
/// to the audit log in the same transaction, with the settings before and after.
///
/// Assigning or changing a policy also updates the schedule columns the coordinator reads (a
/// trigger in migration 0009 copies them), so the policy is the one source of truth.
public struct PolicyStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    /// The policy tenants without one are treated as having.
    public static let defaultPolicyName = "standard"

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: Policies

    public func create(name: String, settings: PolicySettings, actor: String) async throws -> Policy {
        try Self.validate(name: name)
        try settings.validate()
        do {
            return try await self.client.withTransaction { connection in
                let row = try await connection.query("""
                    INSERT INTO policies (name, description, backup_interval, window_start, window_end, window_timezone, rpo_target,
                                          keep_last, keep_daily, keep_weekly, keep_monthly, keep_yearly, immutability_window,
                                          retention_interval, validation_interval)
                    VALUES (\(name), \(settings.description), make_interval(secs => \(settings.backupInterval)),
                            \(settings.windowStart)::time, \(settings.windowEnd)::time, \(settings.timezone),
                            make_interval(secs => \(settings.rpoTarget)), \(settings.retention.last), \(settings.retention.daily),
                            \(settings.retention.weekly), \(settings.retention.monthly), \(settings.retention.yearly),
                            make_interval(secs => \(settings.immutabilityWindow)), make_interval(secs => \(settings.retentionInterval)),
                            make_interval(secs => \(settings.validationInterval)))
                    RETURNING \(unescaped: Self.columns)
                    """).first!
                let policy = try Self.policy(from: row)
                try await AuditLog.record(actor: actor, action: "policy.create", details: Self.auditDetails(policy), on: connection)
                return policy
            }
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation {
            throw PolicyError(.duplicatePolicy, "a policy named '\(name)' already exists", underlying: error)
        }
    }

    /// Policies by name; `limit` of them from `offset` (all when nil).
    public func policies(offset: Int = 0, limit: Int? = nil) async throws -> [Policy] {
        try await self.client.query("SELECT \(unescaped: Self.columns) FROM policies ORDER BY name OFFSET \(offset) LIMIT \(limit)")
            .rows.map(Self.policy(from:))
    }

    /// Policies by name after `afterName` (keyset pages over the unique name index), at most `limit`.
    public func policies(afterName: String?, limit: Int) async throws -> [Policy] {
        try await self.client.query("""
            SELECT \(unescaped: Self.columns) FROM policies WHERE \(afterName)::text IS NULL OR name > \(afterName)::text
            ORDER BY name LIMIT \(max(1, limit))
            """).rows.map(Self.policy(from:))
    }

    public func policy(id: UUID) async throws -> Policy {
        guard let row = try await self.client.query("SELECT \(unescaped: Self.columns) FROM policies WHERE id = \(id)").first else {
            throw Self.notFound(.id(id))
        }
        return try Self.policy(from: row)
    }

    public func policy(named name: String) async throws -> Policy {
        guard let row = try await self.client.query("SELECT \(unescaped: Self.columns) FROM policies WHERE name = \(name)").first else {
            throw Self.notFound(.name(name))
        }
        return try Self.policy(from: row)
    }

    /// Applies `changes` to the named policy; every tenant with it picks up the new schedule.
    public func update(name: String, changes: PolicyChanges, actor: String) async throws -> Policy {
        try await self.update(.name(name), changes: changes, actor: actor)
    }

    /// Applies `changes` to the policy with that id; every tenant with it picks up the new schedule.
    public func update(id: UUID, changes: PolicyChanges, actor: String) async throws -> Policy {
        try await self.update(.id(id), changes: changes, actor: actor)
    }

    private func update(_ key: Key, changes: PolicyChanges, actor: String) async throws -> Policy {
        guard !changes.isEmpty else { throw PolicyError(.invalidPolicy, "nothing to change: give at least one setting") }
        return try await self.client.withTransaction { connection in
            let before = try Self.policy(from: try await Self.row(key, forUpdate: true, on: connection))
            let name = before.name
            let settings = changes.applied(to: before.settings)
            try settings.validate()
            let updated = try Self.policy(from: try await connection.query("""
                UPDATE policies SET description = \(settings.description), backup_interval = make_interval(secs => \(settings.backupInterval)),
                       window_start = \(settings.windowStart)::time, window_end = \(settings.windowEnd)::time,
                       window_timezone = \(settings.timezone), rpo_target = make_interval(secs => \(settings.rpoTarget)),
                       keep_last = \(settings.retention.last), keep_daily = \(settings.retention.daily),
                       keep_weekly = \(settings.retention.weekly), keep_monthly = \(settings.retention.monthly),
                       keep_yearly = \(settings.retention.yearly), immutability_window = make_interval(secs => \(settings.immutabilityWindow)),
                       retention_interval = make_interval(secs => \(settings.retentionInterval)),
                       validation_interval = make_interval(secs => \(settings.validationInterval)), updated_at = now()
                WHERE id = \(before.id) RETURNING \(unescaped: Self.columns)
                """).first!)
            var details: [String: String] = ["policy": name, "policy_id": before.id.uuidString.lowercased()]
            let old = Self.auditDetails(before)
            for (key, value) in Self.auditDetails(updated) where old[key] != value {
                details[key] = "\(old[key] ?? "") -> \(value)"
            }
            try await AuditLog.record(actor: actor, action: "policy.update", details: details, on: connection)
            return updated
        }
    }

    /// Assigns the named policy to a tenant; its schedule follows the policy from now on.
    public func assign(policyName: String, tenantID: UUID, actor: String) async throws -> Policy {
        try await self.assign(.name(policyName), tenantID: tenantID, actor: actor)
    }

    /// Assigns the policy with that id to a tenant; its schedule follows the policy from now on.
    public func assign(policyID: UUID, tenantID: UUID, actor: String) async throws -> Policy {
        try await self.assign(.id(policyID), tenantID: tenantID, actor: actor)
    }

    /// Audited as `tenant.policy`, like the tenant's other changes (`tenant.status`, `tenant.legal_hold`).
    private func assign(_ key: Key, tenantID: UUID, actor: String) async throws -> Policy {
        try await self.client.withTransaction { connection in
            let policy = try Self.policy(from: try await Self.row(key, forUpdate: false, on: connection))
            let policyName = policy.name
            guard let previous = try await connection.query("""
                SELECT p.name FROM tenants t LEFT JOIN policies p ON p.id = t.policy_id WHERE t.id = \(tenantID) FOR UPDATE OF t
                """).first else {
                throw PolicyError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
            }
            try await connection.query("UPDATE tenants SET policy_id = \(policy.id) WHERE id = \(tenantID)")
            try await AuditLog.record(actor: actor, action: "tenant.policy", tenantID: tenantID,
                                      details: ["policy": policyName, "policy_id": policy.id.uuidString.lowercased(),
                                                "previous": try previous.decode(String?.self, "name") ?? "none"],
                                      on: connection)
            self.logger.info("policy assigned", metadata: ["tenant.id": "\(tenantID.uuidString.lowercased())", "policy.name": "\(policyName)"])
            return policy
        }
    }

    /// The policy that applies to a tenant: its own, or the standard policy.
    public func policy(forTenant tenantID: UUID) async throws -> Policy {
        guard let row = try await self.client.query("""
            SELECT \(unescaped: Self.columns) FROM policies
            WHERE id = (SELECT policy_id FROM tenants WHERE id = \(tenantID)) OR name = \(Self.defaultPolicyName)
            ORDER BY (name = \(Self.defaultPolicyName)) LIMIT 1
            """).first else {
            throw PolicyError(.policyNotFound, "tenant \(tenantID.uuidString.lowercased()) has no policy and the standard policy is gone")
        }
        return try Self.policy(from: row)
    }

    // MARK: Tenant legal hold

    /// Whether retention must leave every snapshot of the tenant alone, and why.
    public func legalHold(tenantID: UUID) async throws -> (held: Bool, reason: String?) {
        guard let row = try await self.client.query("SELECT legal_hold, legal_hold_reason FROM tenants WHERE id = \(tenantID)").first else {
            throw PolicyError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
        }
        return (try row.decode(Bool.self, "legal_hold"), try row.decode(String?.self, "legal_hold_reason"))
    }

    /// Puts the tenant under legal hold: no snapshot of it can be deleted until released.
    public func holdTenant(_ tenantID: UUID, reason: String, actor: String) async throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw PolicyError(.reasonRequired, "a legal hold needs a reason (a case or ticket reference)") }
        try await self.setLegalHold(tenantID, held: true, reason: reason, actor: actor)
    }

    public func releaseTenant(_ tenantID: UUID, actor: String) async throws {
        try await self.setLegalHold(tenantID, held: false, reason: nil, actor: actor)
    }

    private func setLegalHold(_ tenantID: UUID, held: Bool, reason: String?, actor: String) async throws {
        try await self.client.withTransaction { connection in
            guard let row = try await connection.query("""
                SELECT legal_hold_reason FROM tenants WHERE id = \(tenantID) FOR UPDATE
                """).first else {
                throw PolicyError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
            }
            let previous = try row.decode(String?.self, "legal_hold_reason")
            try await connection.query("UPDATE tenants SET legal_hold = \(held), legal_hold_reason = \(reason) WHERE id = \(tenantID)")
            try await AuditLog.record(actor: actor, action: held ? "tenant.legal_hold" : "tenant.legal_hold_release", tenantID: tenantID,
                                      details: held ? ["reason": reason ?? ""] : ["released_reason": previous ?? ""], on: connection)
        }
        self.logger.notice(held ? "tenant placed under legal hold" : "tenant legal hold released",
                           metadata: ["tenant.id": "\(tenantID.uuidString.lowercased())"])
    }

    // MARK: Rows

    /// How a caller names a policy: the CLI by name, the HTTP API by id.
    private enum Key: Sendable {
        case name(String)
        case id(UUID)
    }

    private static func row(_ key: Key, forUpdate: Bool, on connection: PostgresConnection) async throws -> PostgresRow {
        let lock = forUpdate ? " FOR UPDATE" : ""
        let row = switch key {
        case .name(let name): try await connection.query("SELECT \(unescaped: Self.columns) FROM policies WHERE name = \(name)\(unescaped: lock)").first
        case .id(let id): try await connection.query("SELECT \(unescaped: Self.columns) FROM policies WHERE id = \(id)\(unescaped: lock)").first
        }
        guard let row else { throw Self.notFound(key) }
        return row
    }

    private static func notFound(_ key: Key) -> PolicyError {
        switch key {
        case .name(let name): PolicyError(.policyNotFound, "no policy is named '\(name)'; `holdfast policies list` shows them")
        case .id(let id): PolicyError(.policyNotFound, "no policy has id \(id.uuidString.lowercased())")
        }
    }

    static func validate(name: String) throws(PolicyError) {
        guard !name.isEmpty, name.count <= 100,
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }) else {
            throw PolicyError(.invalidPolicy, "policy name '\(name)' must be 1-100 letters, digits, '-', '_' or '.'")
        }
    }

    static let columns = """
        id, name, description, extract(epoch FROM backup_interval)::float8 AS backup_s, to_char(window_start, 'HH24:MI') AS window_start,
        to_char(window_end, 'HH24:MI') AS window_end, window_timezone, extract(epoch FROM rpo_target)::float8 AS rpo_s,
        keep_last, keep_daily, keep_weekly, keep_monthly, keep_yearly, extract(epoch FROM immutability_window)::float8 AS immutability_s,
        extract(epoch FROM retention_interval)::float8 AS retention_s, extract(epoch FROM validation_interval)::float8 AS validation_s,
        created_at, updated_at
        """

    static func policy(from row: PostgresRow) throws -> Policy {
        Policy(
            id: try row.decode(UUID.self, "id"), name: try row.decode(String.self, "name"),
            description: try row.decode(String.self, "description"), backupInterval: try row.decode(Double.self, "backup_s"),
            windowStart: try row.decode(String?.self, "window_start"), windowEnd: try row.decode(String?.self, "window_end"),
            timezone: try row.decode(String.self, "window_timezone"), rpoTarget: try row.decode(Double.self, "rpo_s"),
            retention: RetentionRules(last: try row.decode(Int.self, "keep_last"), daily: try row.decode(Int.self, "keep_daily"),
                                      weekly: try row.decode(Int.self, "keep_weekly"), monthly: try row.decode(Int.self, "keep_monthly"),
                                      yearly: try row.decode(Int.self, "keep_yearly")),
            immutabilityWindow: try row.decode(Double.self, "immutability_s"), retentionInterval: try row.decode(Double.self, "retention_s"),
            validationInterval: try row.decode(Double.self, "validation_s"), createdAt: try row.decode(Date.self, "created_at"),
            updatedAt: try row.decode(Date.self, "updated_at"))
    }

    /// The settings as audit details (no secrets in a policy).
    static func auditDetails(_ policy: Policy) -> [String: String] {
        func seconds(_ value: TimeInterval) -> String { value == value.rounded() ? "\(Int64(value))s" : "\(value)s" }
        return [
            "policy": policy.name, "policy_id": policy.id.uuidString.lowercased(), "description": policy.description, "backup_interval": seconds(policy.backupInterval),
            "window": policy.windowStart.map { "\($0)-\(policy.windowEnd ?? "")" } ?? "any", "timezone": policy.timezone,
            "rpo_target": seconds(policy.rpoTarget), "keep_last": "\(policy.retention.last)", "keep_daily": "\(policy.retention.daily)",
            "keep_weekly": "\(policy.retention.weekly)", "keep_monthly": "\(policy.retention.monthly)",
            "keep_yearly": "\(policy.retention.yearly)", "immutability_window": seconds(policy.immutabilityWindow),
            "retention_interval": seconds(policy.retentionInterval), "validation_interval": seconds(policy.validationInterval),
        ]
    }
}
