import Foundation
import HoldfastRuntime
import HoldfastTesting
import Postgres
import Queue
import Tenancy
import Testing

/// The coordinator runs no scheduler of its own: the runtime hands it Tenancy's, as a leader task.
@Suite("leader tasks from the composition root")
struct LeaderTaskWiringTests {
    @Test("the tenant scheduler is a leader task at the configured interval, and its round enqueues an active tenant's first backup")
    func theSchedulerIsALeaderTask() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make(label: "leader-tasks-test")
            let environment = RuntimeWiringTests.environment(schema: schema, extra: ["HOLDFAST_SCHEDULE_INTERVAL": "7"])
            let configuration = try await HoldfastConfiguration.load(environment: environment).configuration
            try await HoldfastRuntime.withRuntime(configuration, logger: logger) { runtime in
                let tasks = try runtime.leaderTasks()
                let scheduler = try #require(tasks.first { $0.name == "scheduler" })
                #expect(scheduler.interval == .seconds(7))

                let tenant = try await TenantRegistry(client: runtime.postgres, logger: logger).addTenant(
                    NewTenant(entraTenantID: UUID(), primaryDomain: "scheduled.onmicrosoft.com", displayName: "Scheduled"), actor: "test").id
                // Still onboarding: not scheduled.
                #expect(try await scheduler.runOnce() == 0)
                try await runtime.postgres.query("UPDATE tenants SET status = 'active' WHERE id = \(tenant)")
                // Active without a snapshot: its first backup is due at once (the vault said it has none).
                #expect(try await scheduler.runOnce() >= 1)
                let jobs = try await JobAdministrator(client: runtime.postgres, logger: logger).list(JobFilter(tenantID: tenant, kinds: [.backup]))
                #expect(jobs.count == 1)
            }
        }
    }
}
