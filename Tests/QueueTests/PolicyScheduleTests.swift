import Foundation
import HoldfastTesting
import Postgres
import Queue
import Tenancy
import Testing

@Suite("Scheduler follows the tenant's policy")
struct PolicyScheduleTests {
    @Test("assigning or changing a policy reschedules its tenants under the policy's intervals")
    func policyDrivesTheSchedule() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let scheduler = TenantScheduler(client: client, enqueueChecks: .unchecked, logger: TestLogger.make())
            try await client.query("""
                INSERT INTO policies (name, backup_interval, retention_interval, validation_interval)
                VALUES ('hourly', '1 hour', '2 hours', '3 hours')
                """)
            try await client.query("INSERT INTO tenants (display_name) SELECT 'tenant ' || n FROM generate_series(1, 20) n")
            try await client.query("UPDATE tenants SET policy_id = (SELECT id FROM policies WHERE name = 'hourly')")
            // Backed up before (a tenant never backed up gets its first backup at once, not at its slot).
            try await client.query("""
                INSERT INTO snapshots (tenant_id, kind, status, started_at, duration_ms, object_count, changed_count,
                                       new_blobs, bytes_added, root_hash, data_key_id)
                SELECT id, 'full', 'complete', now(), 0, 0, 0, 0, 0, decode(repeat('00', 32), 'hex'), 'k' FROM tenants
                """)
            #expect(try await scheduler.runOnce() == 0)
            // Placed within the policy's intervals, not the tenants' own day-long defaults.
            #expect(try await client.count("SELECT count(*) FROM tenants WHERE next_backup_at < now() + interval '1 hour'") == 20)
            #expect(try await client.count("SELECT count(*) FROM tenants WHERE next_validation_at < now() + interval '3 hours'") == 20)

            // A run a day later finds every tenant due, once.
            let later = Date().addingTimeInterval(86_400)
            #expect(try await scheduler.runOnce(now: later) == 60)
            #expect(try await client.count("SELECT count(*) FROM tenants WHERE next_backup_at <= \(later.addingTimeInterval(3600))") == 20)

            // Changing the policy reschedules under the new interval.
            try await client.query("UPDATE policies SET backup_interval = '6 hours' WHERE name = 'hourly'")
            #expect(try await client.count("SELECT count(*) FROM tenants WHERE next_backup_at IS NULL AND backup_interval = '6 hours'") == 20)
            #expect(try await client.count("SELECT count(*) FROM tenants WHERE next_validation_at IS NULL") == 0)
            _ = try await scheduler.runOnce(now: later)
            #expect(try await client.count("""
                SELECT count(*) FROM tenants WHERE next_backup_at >= \(later) AND next_backup_at < \(later.addingTimeInterval(6 * 3600))
                """) == 20)
        }
    }
}
