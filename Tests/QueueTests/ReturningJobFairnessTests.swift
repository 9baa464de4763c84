import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

/// A job that comes back to the queue (rescued, retried, promoted, handed back) is placed as if its
/// tenant enqueued it now: it never jumps ahead of other tenants' waiting work.
@Suite("Fairness of returning jobs")
struct ReturningJobFairnessTests {
    /// A busy tenant with three jobs and a quiet one with one, enqueued in that order; the busy
    /// tenant's first job is claimed (its turn). Returns (busy jobs, quiet job, claim of the first).
    private func setUp(_ client: PostgresClient) async throws -> (busy: [Job], quiet: Job, claim: JobClaim) {
        let logger = TestLogger.make()
        let enqueuer = JobEnqueuer(client: client, logger: logger)
        let busy = try await enqueuer.enqueue((0..<3).map { _ in EnqueueRequest(kind: .retention, tenantID: Self.busyTenant, maxAttempts: 3) }).map(\.job)
        let quiet = try await enqueuer.enqueue(EnqueueRequest(kind: .retention, tenantID: UUID())).job
        let first = try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30))
        #expect(first.map(\.id) == [busy[0].id])
        return (busy, quiet, try #require(first.first?.claim))
    }

    private static let busyTenant = UUID()

    /// The order in which the remaining available jobs are claimed, one at a time.
    private func claimOrder(_ client: PostgresClient, count: Int) async throws -> [Job.ID] {
        let claimer = JobClaimer(client: client, logger: TestLogger.make())
        var order: [Job.ID] = []
        for _ in 0..<count {
            order.append(try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.id))
        }
        return order
    }

    @Test("a rescued job goes behind its tenant's other jobs, not ahead of another tenant's waiting job")
    func rescued() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let (busy, quiet, claim) = try await setUp(client)
            try await client.expireLease(of: claim.jobID)
            #expect(try await JobRescuer(client: client, logger: TestLogger.make()).runOnce() == 1)
            #expect(try await claimOrder(client, count: 4) == [quiet.id, busy[1].id, busy[2].id, busy[0].id])
        }
    }

    @Test("a job handed back on shutdown and a job retried by an operator are placed the same way")
    func handedBackAndRetried() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let (busy, quiet, claim) = try await setUp(client)
            #expect(try await JobCompleter(client: client, logger: logger).handBack([claim]) == [claim.jobID])
            #expect(try await claimOrder(client, count: 2) == [quiet.id, busy[1].id])

            // Now busy[2] (the head) and busy[0] (one place behind) wait. A lone job of a third
            // tenant that an operator retries goes one place behind the head: after busy[2], which
            // was there first, and after busy[0], which holds that place already.
            let lone = try await JobEnqueuer(client: client, logger: logger).enqueue(EnqueueRequest(kind: .validation, tenantID: UUID())).job
            let loneClaim = try #require(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30), kinds: [.validation]).first?.claim)
            #expect(try await JobCompleter(client: client, logger: logger).complete([loneClaim]) == [loneClaim])
            _ = try await JobAdministrator(client: client, logger: logger).retry(lone.id, includingCompleted: true)
            #expect(try await claimOrder(client, count: 3) == [busy[2].id, busy[0].id, lone.id])
        }
    }

    @Test("a retryable job promoted when due is placed behind other tenants' waiting jobs")
    func promoted() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let (busy, quiet, claim) = try await setUp(client)
            let outcome = try await JobCompleter(client: client, logger: logger)
                .fail(claim, error: "transient", permanent: false, retryPolicy: RetryPolicy(base: .seconds(60)))
            #expect(outcome == .retryable)
            try await client.query("UPDATE jobs SET run_at = now() - interval '1 second' WHERE id = \(claim.jobID)")
            #expect(try await ScheduledJobPromoter(client: client, logger: logger).runOnce() == 1)
            #expect(try await claimOrder(client, count: 4) == [quiet.id, busy[1].id, busy[2].id, busy[0].id])
        }
    }

    @Test("several jobs of one tenant coming back together take consecutive places")
    func returningTogether() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: client, logger: logger)
            let tenant = UUID()
            let jobs = try await enqueuer.enqueue((0..<3).map { _ in EnqueueRequest(kind: .retention, tenantID: tenant) }).map(\.job)
            let claims = try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 3, lease: .seconds(30)).compactMap(\.claim)
            #expect(claims.count == 3)
            let other = try await enqueuer.enqueue(EnqueueRequest(kind: .retention, tenantID: UUID())).job
            for claim in claims { try await client.expireLease(of: claim.jobID) }
            #expect(try await JobRescuer(client: client, logger: logger).runOnce() == 3)
            // The other tenant's job, then the tenant's three, one turn each (not all at one place).
            let places = try await client.query("SELECT id, fair_seq FROM jobs WHERE state = 'available' ORDER BY fair_seq, id")
                .map { (try $0.decode(Int64.self, "id"), try $0.decode(Int64.self, "fair_seq")) }
            #expect(places.map(\.0) == [other.id] + jobs.map(\.id))
            #expect(Set(places.map(\.1)).count == 4)
        }
    }
}
