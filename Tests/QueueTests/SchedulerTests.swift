import Foundation
import HoldfastTesting
import Postgres
import Queue
import Tenancy
import Testing

@Suite("Scheduler")
struct SchedulerTests {
    @Test("due tenants get their jobs once per due time; paused and not-yet-due tenants get none")
    func enqueuesDueJobs() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            try await client.query("""
                INSERT INTO tenants (display_name, status, next_backup_at, next_retention_at, next_validation_at)
                SELECT 'due ' || n, 'active', now() - interval '1 minute', now() + interval '1 day', now() + interval '1 day'
                FROM generate_series(1, 30) n
                """)
            try await client.query("""
                INSERT INTO tenants (display_name, status, next_backup_at, next_retention_at, next_validation_at) VALUES
                ('paused', 'paused', now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 minute'),
                ('later', 'active', now() + interval '1 hour', now() + interval '1 hour', now() + interval '1 hour')
                """)
            let scheduler = TenantScheduler(client: client, batchSize: 7, enqueueChecks: .unchecked, logger: logger)
            #expect(try await scheduler.runOnce() == 30)
            #expect(try await client.count("SELECT count(*) FROM jobs WHERE kind = 'backup' AND unique_key LIKE 'backup:%'") == 30)
            // Their next backups moved a day on; nothing is due any more.
            #expect(try await client.count("SELECT count(*) FROM tenants WHERE next_backup_at > now() + interval '23 hours'") == 30)
            #expect(try await scheduler.runOnce() == 0)
        }
    }

    @Test("a tenant never scheduled is placed within its interval, spread by its id; one never backed up is backed up at once")
    func placesNewTenants() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            try await client.query("INSERT INTO tenants (display_name) SELECT 'new ' || n FROM generate_series(1, 50) n")
            // 40 of them already have a snapshot (a policy change cleared their schedule, say).
            try await client.query("""
                INSERT INTO snapshots (tenant_id, kind, status, started_at, duration_ms, object_count, changed_count,
                                       new_blobs, bytes_added, root_hash, data_key_id)
                SELECT id, 'full', 'complete', now(), 0, 0, 0, 0, 0, decode(repeat('00', 32), 'hex'), 'k'
                FROM tenants ORDER BY display_name LIMIT 40
                """)
            #expect(try await TenantScheduler(client: client, enqueueChecks: .unchecked, logger: TestLogger.make()).runOnce() == 10)
            #expect(try await client.count("""
                SELECT count(*) FROM jobs WHERE kind = 'backup'
                AND tenant_id NOT IN (SELECT tenant_id FROM snapshots)
                """) == 10)
            #expect(try await client.count("SELECT count(*) FROM tenants WHERE next_backup_at IS NULL OR next_validation_at IS NULL") == 0)
            let distinctHours = try await client.count("""
                SELECT count(DISTINCT date_trunc('hour', next_backup_at)) FROM tenants WHERE id IN (SELECT tenant_id FROM snapshots)
                """)
            #expect(distinctHours > 5)
        }
    }

    @Test("schedule policy: spread within the interval or the preferred window, runs missed are not replayed")
    func policy() throws {
        let day = 86_400.0
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let tenant = UUID()
        let hourly = SchedulePolicy(interval: .seconds(3600))
        let first = hourly.firstRun(tenant: tenant, now: now)
        #expect(first >= now && first < now.addingTimeInterval(3600))
        #expect(hourly.nextRun(after: now.addingTimeInterval(-10), tenant: tenant, now: now) == now.addingTimeInterval(3590))
        #expect(hourly.nextRun(after: now.addingTimeInterval(-3 * 3600 - 10), tenant: tenant, now: now) == now.addingTimeInterval(3590))

        // Nightly within 01:00–03:00 UTC.
        let nightly = SchedulePolicy(interval: .seconds(86_400), windowStart: 3600, windowLength: 7200)
        var run = nightly.firstRun(tenant: tenant, now: now)
        for _ in 0..<5 {
            let secondOfDay = run.timeIntervalSince1970.truncatingRemainder(dividingBy: day)
            #expect(secondOfDay >= 3600 && secondOfDay < 3600 + 7200)
            let next = nightly.nextRun(after: run, tenant: tenant, now: run)
            #expect(next.timeIntervalSince(run) == day)
            run = next
        }
        // Different tenants land on different minutes of the window.
        let starts = Set((0..<100).map { _ in Int(nightly.firstRun(tenant: UUID(), now: now).timeIntervalSince1970 / 60) })
        #expect(starts.count > 50)
    }
}
