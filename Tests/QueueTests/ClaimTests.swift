import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

@Suite("Claim")
struct ClaimTests {
    @Test("claims at most the free slots, by priority, each job once across claims")
    func limitAndOrder() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked)
            let claimer = JobClaimer(client: schema.client, logger: logger)
            _ = try await enqueuer.enqueue((0..<10).map { EnqueueRequest(kind: .diagnostic, priority: $0 == 7 ? 1 : 100) })
            let worker = UUID()
            let first = try await claimer.claim(workerID: worker, limit: 3, lease: .seconds(30))
            #expect(first.count == 3)
            #expect(first.first?.priority == 1)
            #expect(first.allSatisfy { $0.state == .running && $0.attempt == 1 && $0.workerID == worker && $0.leaseExpiresAt != nil })
            let rest = try await claimer.claim(workerID: UUID(), limit: 100, lease: .seconds(30))
            #expect(rest.count == 7)
            #expect(Set(first.map(\.id)).isDisjoint(with: rest.map(\.id)))
            #expect(try await claimer.claim(workerID: worker, limit: 5, lease: .seconds(30)).isEmpty)
        }
    }

    @Test("the prepared claim runs a cached generic plan instead of being planned on every execution")
    func genericPlan() async throws {
        // One connection, so every claim and the check below share one session's prepared statements.
        try await TestDatabase.withIsolatedSchema(maxConnections: 1) { schema in
            let logger = TestLogger.make()
            // A queue deep enough that a plan for an unknown LIMIT would cost more than one for 2.
            _ = try await JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked).enqueue((0..<5_000).map { _ in EnqueueRequest(kind: .diagnostic) })
            try await schema.client.query("ANALYZE jobs")
            let claimer = JobClaimer(client: schema.client, logger: logger)
            for _ in 0..<8 {
                #expect(try await claimer.claim(workerID: UUID(), limit: 2, lease: .seconds(30)).count == 2)
            }
            // PostgreSQL tries five custom plans first; a claim whose LIMIT was a parameter never left them.
            let generic = try await schema.client.count("""
                SELECT coalesce(sum(generic_plans), 0)::int FROM pg_prepared_statements WHERE statement LIKE '%FOR UPDATE SKIP LOCKED%'
                """)
            #expect(generic >= 3)
        }
    }

    @Test("only the given kinds are claimed")
    func kinds() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            _ = try await JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked).enqueue([EnqueueRequest(kind: .diagnostic), EnqueueRequest(kind: .validation)])
            let claimed = try await JobClaimer(client: schema.client, logger: logger).claim(workerID: UUID(), limit: 10, lease: .seconds(30), kinds: [.validation])
            #expect(claimed.map(\.kind) == [.validation])
        }
    }

    @Test("a tenant never has two running backups or restores: the second waits until the first finishes")
    func tenantExclusive() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let claimer = JobClaimer(client: schema.client, logger: logger)
            let tenant = UUID(), other = UUID()
            _ = try await JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked).enqueue([
                EnqueueRequest(kind: .backup, tenantID: tenant), EnqueueRequest(kind: .backup, tenantID: tenant),
                EnqueueRequest(kind: .restore, tenantID: tenant), EnqueueRequest(kind: .retention, tenantID: tenant),
                EnqueueRequest(kind: .backup, tenantID: other),
            ])
            let first = try await claimer.claim(workerID: UUID(), limit: 10, lease: .seconds(30))
            let exclusiveForTenant = first.filter { $0.tenantID == tenant && $0.kind.isTenantExclusive }
            #expect(exclusiveForTenant.count == 1)
            #expect(first.contains { $0.kind == .retention })
            #expect(first.contains { $0.tenantID == other })
            #expect(try await claimer.claim(workerID: UUID(), limit: 10, lease: .seconds(30)).isEmpty)
            try await JobCompleter(client: schema.client, logger: logger).complete([exclusiveForTenant[0].claim!])
            let second = try await claimer.claim(workerID: UUID(), limit: 10, lease: .seconds(30))
            #expect(second.count == 1 && second[0].tenantID == tenant && second[0].kind.isTenantExclusive)
            // The database refuses a second running backup even if a claimer got it wrong.
            await #expect(throws: PostgresError.self) {
                try await schema.client.query("UPDATE jobs SET state = 'running', worker_id = gen_random_uuid() WHERE tenant_id = \(tenant) AND state = 'available'")
            }
        }
    }

    @Test("fairness: a tenant with 10,000 queued jobs delays nine others by at most one turn")
    func fairness() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked)
            let busy = UUID()
            _ = try await enqueuer.enqueue((0..<10_000).map { _ in EnqueueRequest(kind: .retention, tenantID: busy) })
            let others = (0..<9).map { _ in UUID() }
            _ = try await enqueuer.enqueue(others.map { EnqueueRequest(kind: .retention, tenantID: $0) })
            let claimer = JobClaimer(client: schema.client, logger: logger)
            var order: [UUID] = []
            for _ in 0..<11 {
                let jobs = try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30))
                order.append(try #require(jobs.first?.tenantID))
            }
            // The busy tenant's head job had its turn already; its second waits for all nine.
            let busyTurns = order.indices.filter { order[$0] == busy }
            #expect(busyTurns.count == 2)
            #expect(busyTurns.last == 10)
            #expect(Set(order.filter { $0 != busy }) == Set(others))

            // The same with several slots per claim.
            let wide = try await claimer.claim(workerID: UUID(), limit: 16, lease: .seconds(30))
            #expect(wide.count == 16)
        }
    }

    @Test("fairness holds for jobs enqueued while the backlog is being worked")
    func fairnessLateArrival() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked)
            let claimer = JobClaimer(client: schema.client, logger: logger)
            let busy = UUID()
            _ = try await enqueuer.enqueue((0..<1_000).map { _ in EnqueueRequest(kind: .retention, tenantID: busy) })
            _ = try await claimer.claim(workerID: UUID(), limit: 300, lease: .seconds(30))
            let late = UUID()
            _ = try await enqueuer.enqueue(EnqueueRequest(kind: .retention, tenantID: late))
            let next = try await claimer.claim(workerID: UUID(), limit: 2, lease: .seconds(30))
            #expect(next.contains { $0.tenantID == late })
        }
    }
}
