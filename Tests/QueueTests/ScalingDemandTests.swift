import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

/// `holdfast_scaling_demand` (migration 0022), the number an autoscaler sizes the worker fleet by.
@Suite("Scaling demand")
struct ScalingDemandTests {
    @Test("the view counts what the claim would start with unlimited slots, plus what runs")
    func matchesWhatTheClaimStarts() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: schema.client, logger: logger)
            let claimer = JobClaimer(client: schema.client, logger: logger)
            let busy = UUID(), waiting = UUID(), quiet = UUID()
            #expect(try await schema.client.demand() == 0)

            // `busy` has a backup running and another backup waiting: one slot, the running one.
            _ = try await enqueuer.enqueue([EnqueueRequest(kind: .backup, tenantID: busy)])
            #expect(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).count == 1)
            _ = try await enqueuer.enqueue([
                EnqueueRequest(kind: .backup, tenantID: busy),
                // `waiting` has a backup and a restore waiting and nothing running: one slot.
                EnqueueRequest(kind: .backup, tenantID: waiting), EnqueueRequest(kind: .restore, tenantID: waiting),
                // Other kinds of a tenant run beside its backup: one slot each.
                EnqueueRequest(kind: .retention, tenantID: busy), EnqueueRequest(kind: .retention, tenantID: waiting),
                // Not due yet: no slot until the leader promotes it.
                EnqueueRequest(kind: .backup, tenantID: quiet, runAt: Date().addingTimeInterval(3600)),
                // Without a tenant, nothing serialises them: one slot each.
                EnqueueRequest(kind: .diagnostic), EnqueueRequest(kind: .diagnostic),
            ])
            let demand = try await schema.client.demand()
            // running backup (1) + waiting's exclusive pair (1) + two retentions (2) + two diagnostics (2)
            #expect(demand == 6)

            // With as many slots as it likes, the fleet would run exactly that many jobs at once.
            _ = try await claimer.claim(workerID: UUID(), limit: 100, lease: .seconds(30))
            #expect(try await claimer.claim(workerID: UUID(), limit: 100, lease: .seconds(30)).isEmpty)
            let running = try await schema.client.count("SELECT count(*)::int FROM jobs WHERE state = 'running'")
            #expect(running == demand)
            // Running jobs keep their slots: the demand does not drop when they start.
            #expect(try await schema.client.demand() == demand)
        }
    }
}

extension PostgresClient {
    /// The view's single number.
    fileprivate func demand() async throws -> Int {
        try await count("SELECT slots_wanted::int FROM holdfast_scaling_demand")
    }
}
