public import Foundation
public import Postgres
import Tenancy

/// A policy as the API shows it; intervals in seconds, window bounds as `HH:MM`.
public struct PolicyRecord: Codable, Sendable, Hashable {
    /// Lower-case UUID text.
    public var id: String
    public var name: String
    public var description: String
    public var backupIntervalSeconds: Int64
    public var windowStart: String?
    public var windowEnd: String?
    public var windowTimezone: String
    public var rpoTargetSeconds: Int64
    public var keepLast: Int
    public var keepDaily: Int
    public var keepWeekly: Int
    public var keepMonthly: Int
    public var keepYearly: Int
    public var immutabilityWindowSeconds: Int64
    public var retentionIntervalSeconds: Int64
    public var validationIntervalSeconds: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// Changes to a policy; nil leaves a setting as it is (or at its default, on create).
public struct PolicyChanges: Sendable, Hashable {
    public var description: String?
    public var backupIntervalSeconds: Int64?
    public var windowStart: String?
    public var windowEnd: String?
    public var windowTimezone: String?
    public var rpoTargetSeconds: Int64?
    public var keepLast: Int?
    public var keepDaily: Int?
    public var keepWeekly: Int?
    public var keepMonthly: Int?
    public var keepYearly: Int?
    public var immutabilityWindowSeconds: Int64?
    public var retentionIntervalSeconds: Int64?
    public var validationIntervalSeconds: Int64?

    public init() {}
}

/// The API's SQL over the `policies` table (migration 0005) and `tenants.policy_id`: list, show,
/// create, update, assign; every change audited. Deliberately small: when the policy library of
/// the retention work lands, the routes can call it instead and this type goes away.
public struct APIPolicyStore: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// Policies by name, `limit` from `offset`.
    public func list(offset: Int, limit: Int) async throws -> [PolicyRecord] {
        try await client.query("SELECT \(unescaped: Self.columns) FROM policies ORDER BY name, id OFFSET \(offset) LIMIT \(limit)")
            .rows.map(Self.record(from:))
    }

    public func policy(id: UUID) async throws -> PolicyRecord {
        guard let row = try await client.query("SELECT \(unescaped: Self.columns) FROM policies WHERE id = \(id)").first else {
            throw APIError(.notFound, "no policy has id \(id.uuidString.lowercased())")
        }
        return try Self.record(from: row)
    }

    public func create(name: String, _ changes: PolicyChanges, actor: String) async throws -> PolicyRecord {
        try await write {
            try await client.withTransaction { connection in
                let id = try await connection.query("INSERT INTO policies (name) VALUES (\(name)) RETURNING id").first!.decode(UUID.self, "id")
                let record = try await Self.apply(changes, to: id, on: connection)
                try await AuditLog.record(actor: actor, action: "policy.create", details: Self.auditDetails(record), on: connection)
                return record
            }
        }
    }

    public func update(id: UUID, _ changes: PolicyChanges, actor: String) async throws -> PolicyRecord {
        try await write {
            try await client.withTransaction { connection in
                let record = try await Self.apply(changes, to: id, on: connection)
                try await AuditLog.record(actor: actor, action: "policy.update", details: Self.auditDetails(record), on: connection)
                return record
            }
        }
    }

    /// Assigns a policy to a tenant; audited as `tenant.policy`.
    public func assign(policyID: UUID, tenantID: UUID, actor: String) async throws {
        try await write {
            try await client.withTransaction { connection in
                let policy = try await connection.query("SELECT name FROM policies WHERE id = \(policyID)").first
                guard let policy else { throw APIError(.invalidRequest, "no policy has id \(policyID.uuidString.lowercased())") }
                let updated = try await connection.query("UPDATE tenants SET policy_id = \(policyID) WHERE id = \(tenantID) RETURNING id")
                guard !updated.isEmpty else { throw APIError(.notFound, "no tenant has id \(tenantID.uuidString.lowercased())") }
                try await AuditLog.record(actor: actor, action: "tenant.policy", tenantID: tenantID,
                                          details: ["policy_id": policyID.uuidString.lowercased(), "policy_name": try policy.decode(String.self, "name")],
                                          on: connection)
            }
        }
    }

    private static func apply(_ changes: PolicyChanges, to id: UUID, on connection: PostgresConnection) async throws -> PolicyRecord {
        func interval(_ seconds: Int64?) -> Double? { seconds.map(Double.init) }
        guard let row = try await connection.query("""
            UPDATE policies SET
                description = coalesce(\(changes.description), description),
                backup_interval = coalesce(make_interval(secs => \(interval(changes.backupIntervalSeconds))::float8), backup_interval),
                window_start = coalesce(\(changes.windowStart)::time, window_start),
                window_end = coalesce(\(changes.windowEnd)::time, window_end),
                window_timezone = coalesce(\(changes.windowTimezone), window_timezone),
                rpo_target = coalesce(make_interval(secs => \(interval(changes.rpoTargetSeconds))::float8), rpo_target),
                keep_last = coalesce(\(changes.keepLast)::int, keep_last),
                keep_daily = coalesce(\(changes.keepDaily)::int, keep_daily),
                keep_weekly = coalesce(\(changes.keepWeekly)::int, keep_weekly),
                keep_monthly = coalesce(\(changes.keepMonthly)::int, keep_monthly),
                keep_yearly = coalesce(\(changes.keepYearly)::int, keep_yearly),
                immutability_window = coalesce(make_interval(secs => \(interval(changes.immutabilityWindowSeconds))::float8), immutability_window),
                retention_interval = coalesce(make_interval(secs => \(interval(changes.retentionIntervalSeconds))::float8), retention_interval),
                validation_interval = coalesce(make_interval(secs => \(interval(changes.validationIntervalSeconds))::float8), validation_interval),
                updated_at = now()
            WHERE id = \(id)
            RETURNING \(unescaped: columns)
            """).first else {
            throw APIError(.notFound, "no policy has id \(id.uuidString.lowercased())")
        }
        return try record(from: row)
    }

    /// Database constraints as caller errors: a duplicate name, a value out of range.
    private func write<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation {
            throw APIError(.conflict, "a policy with that name already exists", underlying: error)
        } catch let error as PostgresError where error.sqlState == SQLState.checkViolation {
            throw APIError(.invalidRequest, "the policy breaks a rule: \(error.constraintHint)", underlying: error)
        }
    }

    private static func auditDetails(_ record: PolicyRecord) -> [String: String] {
        ["policy_id": record.id, "name": record.name,
         "backup_interval_s": "\(record.backupIntervalSeconds)", "rpo_target_s": "\(record.rpoTargetSeconds)",
         "retention": "last \(record.keepLast), daily \(record.keepDaily), weekly \(record.keepWeekly), monthly \(record.keepMonthly), yearly \(record.keepYearly)",
         "immutability_window_s": "\(record.immutabilityWindowSeconds)", "validation_interval_s": "\(record.validationIntervalSeconds)"]
    }

    static let columns = """
        id, name, description, extract(epoch FROM backup_interval)::bigint AS backup_interval_s,
        to_char(window_start, 'HH24:MI') AS window_start, to_char(window_end, 'HH24:MI') AS window_end, window_timezone,
        extract(epoch FROM rpo_target)::bigint AS rpo_target_s, keep_last, keep_daily, keep_weekly, keep_monthly, keep_yearly,
        extract(epoch FROM immutability_window)::bigint AS immutability_window_s,
        extract(epoch FROM retention_interval)::bigint AS retention_interval_s,
        extract(epoch FROM validation_interval)::bigint AS validation_interval_s, created_at, updated_at
        """

    static func record(from row: PostgresRow) throws -> PolicyRecord {
        PolicyRecord(
            id: try row.decode(UUID.self, "id").apiString, name: try row.decode(String.self, "name"), description: try row.decode(String.self, "description"),
            backupIntervalSeconds: try row.decode(Int64.self, "backup_interval_s"), windowStart: try row.decode(String?.self, "window_start"),
            windowEnd: try row.decode(String?.self, "window_end"), windowTimezone: try row.decode(String.self, "window_timezone"),
            rpoTargetSeconds: try row.decode(Int64.self, "rpo_target_s"), keepLast: try row.decode(Int.self, "keep_last"),
            keepDaily: try row.decode(Int.self, "keep_daily"), keepWeekly: try row.decode(Int.self, "keep_weekly"),
            keepMonthly: try row.decode(Int.self, "keep_monthly"), keepYearly: try row.decode(Int.self, "keep_yearly"),
            immutabilityWindowSeconds: try row.decode(Int64.self, "immutability_window_s"),
            retentionIntervalSeconds: try row.decode(Int64.self, "retention_interval_s"),
            validationIntervalSeconds: try row.decode(Int64.self, "validation_interval_s"),
            createdAt: try row.decode(Date.self, "created_at"), updatedAt: try row.decode(Date.self, "updated_at"))
    }
}

extension PostgresError {
    /// The violated constraint's name, which says which rule (e.g. `policies_keep_last_check`).
    var constraintHint: String { constraint ?? "a value is out of range" }
}
