import Foundation
import HoldfastTesting
import Postgres

/// Writes a tenant's recorded history straight into the tables the SLA and reports read, at
/// chosen instants: a scripted past, read back with a moved clock.
struct History {
    let client: PostgresClient

    /// 2026-03-01T00:00:00Z: hour 0 of every scripted history.
    static let origin = Date(timeIntervalSince1970: 1_772_323_200)

    static func hour(_ hours: Double) -> Date { origin.addingTimeInterval(hours * 3600) }

    func partner(_ name: String) async throws -> UUID {
        try await client.query("INSERT INTO partners (name) VALUES (\(name)) RETURNING id").first!.decode(UUID.self, at: 0)
    }

    func policy(_ name: String, rpoHours: Int, immutabilityDays: Int = 0) async throws -> UUID {
        try await client.query("""
            INSERT INTO policies (name, rpo_target, immutability_window)
            VALUES (\(name), make_interval(hours => \(rpoHours)), make_interval(days => \(immutabilityDays))) RETURNING id
            """).first!.decode(UUID.self, at: 0)
    }

    func tenant(_ name: String, partner: UUID?, policy: UUID?, createdAt: Date = History.origin) async throws -> UUID {
        try await client.query("""
            INSERT INTO tenants (display_name, partner_id, policy_id, status, created_at)
            VALUES (\(name), \(partner), \(policy), 'active', \(createdAt)) RETURNING id
            """).first!.decode(UUID.self, at: 0)
    }

    @discardableResult
    func snapshot(_ tenant: UUID, at committedAt: Date, partial: Bool = false) async throws -> Int64 {
        let missing = partial ? #"[{"type":"groups","code":"forbidden","reason":"403 from Graph"}]"# : "[]"
        return try await client.query("""
            INSERT INTO snapshots (tenant_id, kind, status, started_at, committed_at, duration_ms, object_count, changed_count,
                                   new_blobs, bytes_added, root_hash, data_key_id, missing_types)
            VALUES (\(tenant), 'incremental', \(partial ? "partial" : "complete"), \(committedAt.addingTimeInterval(-60)), \(committedAt),
                    60000, 100, 5, 5, 4096, \(PostgresBytes([UInt8](repeating: 7, count: 32))), 'dk-1', \(missing)::jsonb)
            RETURNING id
            """).first!.decode(Int64.self, at: 0)
    }

    /// One state change of a backup job, as the queue's trigger records it.
    func backupEvent(_ tenant: UUID, job: Int64, state: String, attempt: Int, at: Date) async throws {
        try await client.query("""
            INSERT INTO job_events (job_id, kind, tenant_id, state, attempt, at)
            VALUES (\(job), 'backup', \(tenant), \(state), \(attempt), \(at))
            """)
    }

    /// A validation as the validation job records it (0009): a failed one names its failed check.
    func validation(_ tenant: UUID, snapshot: Int64, startedAt: Date, passed: Bool, restoreSeconds: Double?, checks: String = "[]") async throws {
        let failed: [String] = passed ? [] : ["restore_drill"]
        try await client.query("""
            INSERT INTO validations (tenant_id, snapshot_id, started_at, finished_at, passed, checks, failed_checks, restore_seconds)
            VALUES (\(tenant), \(snapshot), \(startedAt), \(startedAt.addingTimeInterval(600)), \(passed), \(checks)::jsonb, \(failed), \(restoreSeconds))
            """)
    }

    func dataKey(_ tenant: UUID, id: String, masterKeyID: String) async throws {
        try await client.query("""
            INSERT INTO tenant_data_keys (tenant_id, data_key_id, wrapped_key, master_key_id, created_at)
            VALUES (\(tenant), \(id), \(PostgresBytes([UInt8](repeating: 1, count: 60))), \(masterKeyID), \(History.origin))
            """)
    }

    func credential(_ tenant: UUID, clientID: UUID, dataKeyID: String, expiresAt: Date) async throws {
        try await client.query("""
            INSERT INTO tenant_credentials (tenant_id, app_kind, client_id, kind, data_key_id, sealed_secret, expires_at, created_by)
            VALUES (\(tenant), 'tenant_app', \(clientID), 'client_secret', \(dataKeyID), \(PostgresBytes([UInt8](repeating: 2, count: 48))),
                    \(expiresAt), 'test')
            """)
    }

    func legalHold(_ tenant: UUID, reason: String) async throws {
        try await client.query("UPDATE tenants SET legal_hold = true, legal_hold_reason = \(reason) WHERE id = \(tenant)")
    }
}
