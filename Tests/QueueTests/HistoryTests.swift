import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

/// The claim and the completion write their own history rows (migration 0013) while every other
/// state change is recorded by the trigger: each change must be recorded exactly once either way.
@Suite("Job history")
struct HistoryTests {
    @Test("claims, completions, failures and rescues record each state change exactly once")
    func everyChangeOnce() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let tenant = UUID()
            let jobs = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked)
                .enqueue((0..<4).map { _ in EnqueueRequest(kind: .diagnostic, tenantID: tenant) }).map(\.job)
            let claimer = JobClaimer(client: client, logger: logger)
            let completer = JobCompleter(client: client, logger: logger)
            let worker = UUID()
            let claims = try await claimer.claim(workerID: worker, limit: 4, lease: .seconds(30)).compactMap(\.claim)
            #expect(claims.count == 4)
            let byJob = Dictionary(uniqueKeysWithValues: claims.map { ($0.jobID, $0) })
            // Two complete together, one fails (trigger), one is rescued (trigger) and claimed again.
            #expect(try await completer.complete([byJob[jobs[0].id]!, byJob[jobs[1].id]!]).count == 2)
            #expect(try await completer.fail(byJob[jobs[2].id]!, error: "boom", permanent: false, retryPolicy: RetryPolicy()) == .retryable)
            try await client.expireLease(of: jobs[3].id)
            #expect(try await JobRescuer(client: client, logger: logger).runOnce() == 1)
            let again = try #require(try await claimer.claim(workerID: worker, limit: 1, lease: .seconds(30)).first?.claim)
            #expect(again.jobID == jobs[3].id && again.attempt == 2)
            // A completion that no longer holds changes nothing and records nothing.
            #expect(try await completer.complete([byJob[jobs[3].id]!]).isEmpty)
            #expect(try await completer.complete([again]) == [again])

            let administrator = JobAdministrator(client: client, logger: logger)
            func states(_ id: Job.ID) async throws -> [JobState] { try await administrator.history(id).map(\.state) }
            #expect(try await states(jobs[0].id) == [.available, .running, .completed])
            #expect(try await states(jobs[1].id) == [.available, .running, .completed])
            #expect(try await states(jobs[2].id) == [.available, .running, .retryable])
            #expect(try await states(jobs[3].id) == [.available, .running, .available, .running, .completed])
            let completion = try #require(try await administrator.history(jobs[3].id).last)
            #expect(completion.workerID == worker && completion.attempt == 2 && completion.tenantID == tenant && completion.kind == .diagnostic)
        }
    }

    @Test("a state change later in the claim's transaction is still recorded by the trigger")
    func laterStatementInTransaction() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic)).job
            let claim = try #require(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            try await client.withTransaction { connection in
                // A statement that wrote its own history, then an ordinary update in the same transaction.
                let completed = try await connection.query("""
                    WITH completed AS (
                        UPDATE jobs SET state = 'completed'
                        FROM (SELECT set_config('holdfast.job_history_recorded', statement_timestamp()::text, true)) AS recorded_here
                        WHERE id = \(claim.jobID) RETURNING jobs.id, jobs.kind, jobs.tenant_id, jobs.state, jobs.attempt, jobs.worker_id
                    )
                    INSERT INTO job_events (job_id, kind, tenant_id, state, attempt, worker_id)
                    SELECT id, kind, tenant_id, state, attempt, worker_id FROM completed
                    """)
                #expect(completed.affectedRows == 1)
                try await connection.query("UPDATE jobs SET state = 'cancelled' WHERE id = \(claim.jobID)")
            }
            let states = try await JobAdministrator(client: client, logger: logger).history(job.id).map(\.state)
            #expect(states == [.available, .running, .completed, .cancelled])
        }
    }
}
