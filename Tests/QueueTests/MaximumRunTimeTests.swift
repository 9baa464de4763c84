import Foundation
import HoldfastTesting
import Postgres
import Queue
import Synchronization
import Testing
import Worker

/// Sleeps for an hour unless cancelled; records that it saw the cancellation.
private final class StuckHandler: JobHandler {
    let kind: JobKind
    private let cancelled = Atomic<Int>(0)

    init(kind: JobKind) { self.kind = kind }

    func run(_ job: Job, context: JobContext) async throws {
        do {
            try await Task.sleep(for: .seconds(3600))
        } catch {
            cancelled.add(1, ordering: .relaxed)
            throw error
        }
    }

    var cancellations: Int { cancelled.load(ordering: .relaxed) }
}

@Suite("Maximum run time per kind")
struct MaximumRunTimeTests {
    @Test("a job running past its kind's maximum run time is cancelled and fails as retryable with an error naming the limit; other kinds are not limited")
    func timedOut() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let stuck = StuckHandler(kind: .validation)
            let quick = CountingHandler(kind: .retention, sleep: .milliseconds(400))
            let worker = WorkerService(
                client: client, handlers: HandlerRegistry([stuck, quick]),
                configuration: WorkerConfiguration(concurrency: 2, pollInterval: .milliseconds(100),
                                                   retryPolicy: RetryPolicy(base: .seconds(600)),
                                                   maximumRunTimes: [.validation: .milliseconds(200), .backup: .milliseconds(100)]),
                logger: logger)
            let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
            let limited = try await enqueuer.enqueue(EnqueueRequest(kind: .validation, maxAttempts: 3)).job
            let unlimited = try await enqueuer.enqueue(EnqueueRequest(kind: .retention)).job
            try await withServices([worker]) { _ in
                try await client.waitForJob(limited.id, until: [.retryable])
                try await client.waitForJob(unlimited.id, until: [.completed])
            }
            let job = try await JobAdministrator(client: client, logger: logger).job(limited.id)
            #expect(job.errors.count == 1)
            #expect(job.errors.first?.error.contains("maximum run time of 0.2 s for kind 'validation'") == true)
            #expect(job.errors.first?.permanent == false)
            #expect(stuck.cancellations == 1)
            #expect(quick.runCounts[unlimited.id] == 1)
        }
    }
}
