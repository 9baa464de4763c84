import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

@Suite("Completion, failure and cancellation")
struct CompletionTests {
    @Test("a worker whose job was rescued and re-claimed cannot complete, fail or extend it")
    func lostClaimIsRefused() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic)).job
            let claimer = JobClaimer(client: client, logger: logger)
            let completer = JobCompleter(client: client, logger: logger)
            let dead = try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            try await client.expireLease(of: job.id)
            #expect(try await JobRescuer(client: client, logger: logger).runOnce() == 1)
            let alive = try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(alive.attempt == 2)

            #expect(try await completer.complete([dead]).isEmpty)
            #expect(try await completer.fail(dead, error: "late", permanent: false, retryPolicy: RetryPolicy()) == .claimLost)
            #expect(try await completer.heartbeat([dead], lease: .seconds(30)) == [job.id: .lost])
            #expect(try await completer.reportProgress(dead, json: "{}") == false)
            #expect(try await completer.heartbeat([alive], lease: .seconds(30)) == [job.id: .held])
            #expect(try await completer.complete([alive]) == [alive])
            let final = try await JobAdministrator(client: client, logger: logger).job(job.id)
            #expect(final.state == .completed && final.workerID == alive.workerID)
            #expect(final.errors.count == 1 && final.errors[0].error.contains("lease expired"))
        }
    }

    @Test("a job whose handler records its outcome completes only where that attempt's record is; a lost outcome runs again")
    func completionRequiresTheOutcomeRecord() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic)).job
            let claimer = JobClaimer(client: client, logger: logger)
            let completer = JobCompleter(client: client, logger: logger)
            // Attempt 1 committed its outcome on a primary that then failed over: the record is not here.
            let first = try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(try await completer.complete([first], outcomeKinds: [.diagnostic]).isEmpty)
            var row = try await JobAdministrator(client: client, logger: logger).job(job.id)
            #expect(row.state == .available && row.runAt <= Date())
            #expect(row.errors.count == 1 && row.errors[0].error.contains("outcome") && row.errors[0].error.contains("lost"))
            #expect(try await client.query("SELECT state FROM job_events WHERE job_id = \(job.id) ORDER BY id").map { try $0.decode(String.self, "state") }
                    == ["available", "running", "available"])

            // Attempt 2 records its outcome with its claim, as a snapshot's commit does, and completes.
            let second = try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(second.attempt == 2)
            try await client.withTransaction { connection in
                #expect(try await second.lock(on: connection))
                try await second.recordOutcome(on: connection)
            }
            #expect(try await completer.complete([second], outcomeKinds: [.diagnostic]) == [second])
            row = try await JobAdministrator(client: client, logger: logger).job(job.id)
            #expect(row.state == .completed && row.errors.count == 1)

            // An earlier attempt's record does not stand for a later one; kinds not listed need none.
            let other = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic)).job
            let recorded = try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            try await client.withTransaction { connection in
                #expect(try await recorded.lock(on: connection))
                try await recorded.recordOutcome(on: connection)
            }
            try await client.expireLease(of: other.id)
            #expect(try await JobRescuer(client: client, logger: logger).runOnce() == 1)
            let retried = try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(try await completer.complete([retried], outcomeKinds: [.diagnostic]).isEmpty)
            #expect(try await client.state(of: other.id) == "available")
            let third = try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(try await completer.complete([third]) == [third])
            #expect(try await client.state(of: other.id) == "completed")
        }
    }

    @Test("the rescuer leaves a job that completed meanwhile alone (River #1302)")
    func rescuerChecksState() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic)).job
            let claim = try #require(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(try await JobCompleter(client: client, logger: logger).complete([claim]) == [claim])
            // Completed, yet its lease looks expired to a rescuer reading a stale row.
            try await client.query("UPDATE jobs SET lease_expires_at = now() - interval '1 minute' WHERE id = \(job.id)")
            #expect(try await JobRescuer(client: client, logger: logger).runOnce() == 0)
            #expect(try await client.state(of: job.id) == "completed")
        }
    }

    @Test("the rescuer skips a job whose row an open transaction locks (a worker cut off mid-commit) and rescues the rest")
    func rescuerSkipsLockedJobs() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
            let locked = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic)).job
            let free = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic)).job
            #expect(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 2, lease: .seconds(30)).count == 2)
            try await client.expireLease(of: locked.id)
            try await client.expireLease(of: free.id)
            // The rescuer's own session, where waiting on the lock becomes an error instead of a hang.
            let rescuerClient = PostgresClient(configuration: PostgresConfiguration(
                connectionString: schema.configuration.connectionString, maxConnections: 1, searchPath: schema.configuration.searchPath),
                logger: logger)
            try await rescuerClient.query("SET lock_timeout = '10s'")
            let rescued = try await client.withTransaction { connection in
                try await connection.query("SELECT id FROM jobs WHERE id = \(locked.id) FOR UPDATE")
                return try await JobRescuer(client: rescuerClient, logger: logger).runOnce()
            }
            #expect(rescued == 1)
            #expect(try await client.state(of: free.id) == "available")
            #expect(try await client.state(of: locked.id) == "running")
            // Once the transaction has ended, the next round takes it.
            #expect(try await JobRescuer(client: rescuerClient, logger: logger).runOnce() == 1)
            #expect(try await client.state(of: locked.id) == "available")
            await rescuerClient.shutdown()
        }
    }

    @Test("a failed attempt is retried after an exponential, jittered delay; the job is discarded after its last attempt with every error kept")
    func retryThenDiscard() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let policy = RetryPolicy(base: .seconds(10), maximum: .seconds(3600), jitter: 0.2)
            let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic, maxAttempts: 3)).job
            let claimer = JobClaimer(client: client, logger: logger)
            let completer = JobCompleter(client: client, logger: logger)
            let promoter = ScheduledJobPromoter(client: client, logger: logger)
            for attempt in 1...3 {
                let claim = try #require(try await claimer.claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
                #expect(claim.attempt == attempt)
                let before = try await client.query("SELECT now() AS now").first!.decode(Date.self, "now")
                let outcome = try await completer.fail(claim, error: "boom \(attempt)", permanent: false, retryPolicy: policy)
                let after = try await client.query("SELECT now() AS now").first!.decode(Date.self, "now")
                let stored = try await JobAdministrator(client: client, logger: logger).job(job.id)
                if attempt < 3 {
                    #expect(outcome == .retryable)
                    #expect(stored.state == .retryable)
                    // The failure was recorded between `before` and `after` (server clock), so its
                    // run_at lies within the policy's bounds from either end, however slow the machine.
                    let bounds = policy.delayBounds(afterAttempt: attempt)
                    let earliest = stored.runAt.timeIntervalSince(after), latest = stored.runAt.timeIntervalSince(before)
                    #expect(latest >= bounds.lowerBound - 0.001 && earliest <= bounds.upperBound + 0.001,
                            "attempt \(attempt): run_at \(earliest)…\(latest) s after the failure, outside \(bounds)")
                    // Not before its time …
                    #expect(try await promoter.runOnce() == 0)
                    // … and available once due.
                    try await client.query("UPDATE jobs SET run_at = now() - interval '1 second' WHERE id = \(job.id)")
                    #expect(try await promoter.runOnce() == 1)
                } else {
                    #expect(outcome == .discarded)
                    #expect(stored.state == .discarded && stored.finalizedAt != nil)
                    #expect(stored.errors.map(\.error) == ["boom 1", "boom 2", "boom 3"])
                    #expect(stored.errors.map(\.attempt) == [1, 2, 3])
                }
            }
            // Backoff doubles per attempt.
            #expect(policy.delayBounds(afterAttempt: 2) == 16...24)
            #expect(policy.delayBounds(afterAttempt: 20).upperBound == 3600 * 1.2)
        }
    }

    @Test("a permanent error discards the job at once")
    func permanent() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let job = try await JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .backup, tenantID: UUID(), maxAttempts: 25)).job
            let claim = try #require(try await JobClaimer(client: schema.client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            let outcome = try await JobCompleter(client: schema.client, logger: logger).fail(claim, error: "credentials revoked", permanent: true, retryPolicy: RetryPolicy())
            #expect(outcome == .discarded)
            let stored = try await JobAdministrator(client: schema.client, logger: logger).job(job.id)
            #expect(stored.state == .discarded && stored.attempt == 1)
            #expect(stored.errors.first?.permanent == true)
        }
    }

    @Test("cancel works in every unfinished state; a running job is flagged for its worker; operators can retry it")
    func cancelAndRetry() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let administrator = JobAdministrator(client: client, logger: logger)
            let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
            let scheduled = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, runAt: Date().addingTimeInterval(600))).job
            #expect(try await administrator.cancel(scheduled.id).state == .cancelled)

            let running = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic)).job
            let claim = try #require(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            let flagged = try await administrator.cancel(running.id)
            #expect(flagged.state == .running && flagged.cancelRequested)
            let completer = JobCompleter(client: client, logger: logger)
            #expect(try await completer.heartbeat([claim], lease: .seconds(30)) == [running.id: .cancelRequested])
            #expect(try await completer.markCancelled([claim]) == [running.id])
            await #expect(throws: QueueError.self) { try await administrator.cancel(running.id) }

            let retried = try await administrator.retry(running.id)
            #expect(retried.state == .available && !retried.cancelRequested && retried.maxAttempts == 6)
            await #expect(throws: QueueError(code: .jobNotFound, message: "")) { try await administrator.job(999_999) }

            let history = try await administrator.history(running.id).map(\.state)
            #expect(history == [.available, .running, .cancelled, .available])
            let listed = try await administrator.list(JobFilter(states: [.cancelled]))
            #expect(listed.map(\.id) == [scheduled.id])
        }
    }

    @Test("handing back on shutdown does not burn the attempt")
    func handBack() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let job = try await JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked).enqueue(EnqueueRequest(kind: .diagnostic)).job
            let claim = try #require(try await JobClaimer(client: schema.client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(try await JobCompleter(client: schema.client, logger: logger).handBack([claim]) == [job.id])
            let stored = try await JobAdministrator(client: schema.client, logger: logger).job(job.id)
            #expect(stored.state == .available && stored.attempt == 0 && stored.errors.isEmpty)
        }
    }

    @Test("a completed job runs again only when asked explicitly; a unique-key clash is a clear refusal, not a storage error")
    func retryingACompletedJob() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let administrator = JobAdministrator(client: client, logger: logger)
            let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
            let done = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, uniqueKey: "nightly")).job
            let claim = try #require(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(try await JobCompleter(client: client, logger: logger).complete([claim]) == [claim])

            let refusal = await #expect(throws: QueueError.self) { try await administrator.retry(done.id) }
            #expect(refusal?.code == .invalidState)
            #expect(refusal?.message.contains("--completed") == true)
            #expect(try await administrator.job(done.id).state == .completed)

            // Another job now holds the unique key: asked explicitly, the retry is still refused clearly.
            _ = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, runAt: Date().addingTimeInterval(600), uniqueKey: "nightly"))
            let clash = await #expect(throws: QueueError.self) { try await administrator.retry(done.id, includingCompleted: true) }
            #expect(clash?.code == .invalidState)

            let lone = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic)).job
            let second = try #require(try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 1, lease: .seconds(30)).first?.claim)
            #expect(second.jobID == lone.id)
            #expect(try await JobCompleter(client: client, logger: logger).complete([second]) == [second])
            #expect(try await administrator.retry(lone.id, includingCompleted: true).state == .available)
        }
    }
}
