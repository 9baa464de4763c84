import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

/// The shared "wait for this job" helper every suite uses: it must return the job once it is where
/// the test waits for it, and explain itself when it will never get there.
@Suite("Waiting for a job")
struct JobWaitTests {
    @Test("returns the job once it reaches a wanted state, with its attempt and errors")
    func returnsTheJob() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic)).job
            #expect(try await client.waitForJob(job.id, until: [.available]).state == .available)
            let claim = try #require(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            _ = try await JobCompleter(client: client, logger: logger).fail(claim, error: "boom", permanent: false, retryPolicy: RetryPolicy())
            let settled = try await client.waitForJob(job.id, until: .settled)
            #expect(settled.state == .retryable && settled.attempt == 1 && settled.errors.map(\.error) == ["boom"])
        }
    }

    @Test("fails at once, naming state, attempt and errors, when the job finished otherwise")
    func failsOnAnotherFinalState() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked)
                .enqueue(EnqueueRequest(kind: .diagnostic, maxAttempts: 1)).job
            let claim = try #require(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            _ = try await JobCompleter(client: client, logger: logger).fail(claim, error: "bad tenant", permanent: true, retryPolicy: RetryPolicy())
            let error = try await #require(throws: JobWaitError.self) { try await client.waitForJob(job.id, until: [.completed]) }
            #expect(error.job.state == .discarded)
            // It gave up at the final state, not at the five-minute deadline.
            #expect(error.description.contains("did not reach completed: it finished otherwise; it is discarded"))
            #expect(error.description.contains("attempt 1 of 1") && error.description.contains("attempt 1 (permanent): bad tenant"))
        }
    }

    @Test("fails at the deadline with the job's state when it never gets there")
    func failsAtTheDeadline() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let job = try await JobEnqueuer(client: client, logger: TestLogger.make(), checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic)).job
            let error = try await #require(throws: JobWaitError.self) {
                try await client.waitForJob(job.id, until: [.running], deadline: .milliseconds(200))
            }
            #expect(error.job.state == .available)
            #expect(error.description.contains("gave up after") && error.description.contains("attempt 0 of") && error.description.contains("last errors: none"))
        }
    }
}
