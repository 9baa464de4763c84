public import Foundation
public import Logging
public import Postgres
public import Queue
import Vault

/// Enqueues the due backup, retention and validation jobs of every active tenant.
///
/// It reads only due tenants (through the `tenants_next_*` indexes), so its cost grows with the
/// number of due tenants, not the number of tenants. Each round locks the due rows with
/// SKIP LOCKED, enqueues their jobs and moves their `next_*_at` forward in one transaction: a job
/// is enqueued once per due time even if two schedulers ran. Unique keys (`backup:<tenant>` …)
/// keep a tenant from piling up pending jobs of one kind while its previous one waits.
///
/// The scheduling columns are `tenants`' own, so the scheduler lives with the module that owns that
/// table; the coordinator's leader runs it as one of the leader tasks it is given.
public struct TenantScheduler: MaintenanceTask {
    public let client: PostgresClient
    public let logger: Logger
    /// Tenants handled per transaction. Default 500.
    public let batchSize: Int
    /// How often the leader looks for due tenants. Default 15 s.
    public let interval: Duration
    public var name: String { "scheduler" }

    /// What the jobs it enqueues are checked against.
    public let enqueueChecks: EnqueueChecks

    public init(client: PostgresClient, batchSize: Int = 500, interval: Duration = .seconds(15), enqueueChecks: EnqueueChecks, logger: Logger) {
        self.client = client
        self.batchSize = batchSize
        self.interval = interval
        self.enqueueChecks = enqueueChecks
        self.logger = logger
    }

    /// A scheduled kind and its tenant columns.
    struct Schedule: Sendable {
        var kind: JobKind
        var intervalColumn: String
        var nextColumn: String
        /// A tenant with no snapshot yet has no restore point at all: its first backup runs at once
        /// instead of at its spread slot (onboarding starts protection, and the RPO clock).
        var firstRunAtOnceWithoutSnapshot = false
    }

    static let schedules = [
        Schedule(kind: .backup, intervalColumn: "backup_interval", nextColumn: "next_backup_at", firstRunAtOnceWithoutSnapshot: true),
        Schedule(kind: .retention, intervalColumn: "retention_interval", nextColumn: "next_retention_at"),
        Schedule(kind: .validation, intervalColumn: "validation_interval", nextColumn: "next_validation_at"),
    ]

    /// One pass at the current time (the leader's round); see ``runOnce(now:)``.
    @discardableResult
    public func runOnce() async throws -> Int {
        try await runOnce(now: Date())
    }

    /// One pass: places never-scheduled tenants, then enqueues everything due. Returns the number
    /// of jobs enqueued.
    @discardableResult
    public func runOnce(now: Date) async throws -> Int {
        var enqueued = 0
        for schedule in Self.schedules {
            while try await placeUnscheduled(schedule, now: now) == batchSize {}
            while true {
                let (due, inserted) = try await enqueueDue(schedule, now: now)
                enqueued += inserted
                if due < batchSize { break }
            }
        }
        if enqueued > 0 { logger.info("scheduled jobs", metadata: ["jobs.enqueued": "\(enqueued)"]) }
        return enqueued
    }

    private struct DueTenant {
        var id: UUID
        var policy: SchedulePolicy
        var due: Date?
        var hasSnapshot = true
    }

    private func dueTenants(_ schedule: Schedule, connection: PostgresConnection, unscheduled: Bool, now: Date) async throws -> [DueTenant] {
        let condition = "\(schedule.nextColumn) IS NULL"
        let query: PostgresQuery
        if unscheduled {
            query = """
                SELECT id, extract(epoch FROM \(unescaped: schedule.intervalColumn))::float8 AS interval_s,
                       extract(epoch FROM preferred_window_start)::int AS window_start_s,
                       extract(epoch FROM preferred_window_length)::int AS window_length_s,
                       \(unescaped: schedule.nextColumn) AS due
                FROM tenants WHERE status = 'active' AND \(unescaped: condition)
                LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
                """
        } else {
            query = """
                SELECT id, extract(epoch FROM \(unescaped: schedule.intervalColumn))::float8 AS interval_s,
                       extract(epoch FROM preferred_window_start)::int AS window_start_s,
                       extract(epoch FROM preferred_window_length)::int AS window_length_s,
                       \(unescaped: schedule.nextColumn) AS due
                FROM tenants WHERE status = 'active' AND \(unescaped: schedule.nextColumn) <= \(now)
                ORDER BY \(unescaped: schedule.nextColumn)
                LIMIT \(batchSize) FOR UPDATE SKIP LOCKED
                """
        }
        let rows = try await connection.query(query)
        var tenants = try rows.map { row in
            let interval = max(60, try row.decode(Double.self, "interval_s"))
            let policy = SchedulePolicy(interval: .milliseconds(Int64(interval * 1000)), windowStart: try row.decode(Int?.self, "window_start_s"),
                                        windowLength: try row.decode(Int?.self, "window_length_s") ?? 0)
            return DueTenant(id: try row.decode(UUID.self, "id"), policy: policy, due: try row.decode(Date?.self, "due"))
        }
        if unscheduled && !tenants.isEmpty {
            // Snapshots are the vault's table: ask it, in this transaction.
            let withSnapshots = try await Vault.tenantsWithSnapshots(tenants.map(\.id), on: connection)
            for index in tenants.indices { tenants[index].hasSnapshot = withSnapshots.contains(tenants[index].id) }
        }
        return tenants
    }

    private func placeUnscheduled(_ schedule: Schedule, now: Date) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            let tenants = try await dueTenants(schedule, connection: connection, unscheduled: true, now: now)
            guard !tenants.isEmpty else { return 0 }
            try await setNext(schedule, ids: tenants.map(\.id),
                              next: tenants.map { tenant in
                                  schedule.firstRunAtOnceWithoutSnapshot && !tenant.hasSnapshot
                                      ? now : tenant.policy.firstRun(tenant: tenant.id, now: now)
                              }, connection: connection)
            return tenants.count
        }
    }

    private func enqueueDue(_ schedule: Schedule, now: Date) async throws -> (due: Int, inserted: Int) {
        try await client.withTransaction(logger: logger) { connection in
            let tenants = try await dueTenants(schedule, connection: connection, unscheduled: false, now: now)
            guard !tenants.isEmpty else { return (0, 0) }
            let requests = tenants.map { tenant in
                EnqueueRequest(kind: schedule.kind, tenantID: tenant.id, arguments: "{}", priority: QueuePriority.scheduled,
                               uniqueKey: "\(schedule.kind.rawValue):\(tenant.id.uuidString.lowercased())")
            }
            let results = try await JobEnqueuer(client: client, logger: logger, checks: enqueueChecks).enqueue(requests, on: connection)
            try await setNext(schedule, ids: tenants.map(\.id),
                              next: tenants.map { $0.policy.nextRun(after: $0.due ?? now, tenant: $0.id, now: now) },
                              connection: connection)
            return (tenants.count, results.filter(\.inserted).count)
        }
    }

    private func setNext(_ schedule: Schedule, ids: [UUID], next: [Date], connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE tenants SET \(unescaped: schedule.nextColumn) = u.next
            FROM unnest(\(ids)::uuid[], \(next)::timestamptz[]) AS u(id, next)
            WHERE tenants.id = u.id
            """)
    }
}
