import Foundation
import HoldfastTesting
import Logging
import Postgres
import Queue
import ServiceLifecycle
import Testing
import Worker

@Suite("Worker")
struct WorkerTests {
    @Test("8 workers racing over 1,000 jobs across 20 tenants: every job runs once, never two running backups per tenant (from history)")
    func race() async throws {
        try await TestDatabase.withIsolatedSchema(maxConnections: 16) { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let tenants = (0..<20).map { _ in UUID() }
            let kinds: [JobKind] = [.backup, .retention, .restore, .validation]
            let requests = (0..<1_000).map { index in
                EnqueueRequest(kind: kinds[index % kinds.count], tenantID: tenants[index % tenants.count])
            }
            let handlers = kinds.map { CountingHandler(kind: $0, sleep: .milliseconds(2)) }
            let workers = (0..<8).map { _ in
                WorkerService(client: client, handlers: HandlerRegistry(handlers),
                              configuration: WorkerConfiguration(concurrency: 4, pollInterval: .milliseconds(100)), logger: logger)
            }
            try await withServices(workers) { _ in
                _ = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue(requests)
                try await eventually("all 1,000 jobs completed", within: .seconds(600)) {
                    try await client.count("SELECT count(*) FROM jobs WHERE state = 'completed'") == 1_000
                }
            }
            // Exactly once: one run per job in the handlers and one running/completed pair in the history.
            let runs = handlers.reduce(into: [Job.ID: Int]()) { total, handler in total.merge(handler.runCounts, uniquingKeysWith: +) }
            #expect(runs.count == 1_000 && runs.values.allSatisfy { $0 == 1 })
            #expect(try await client.count("""
                SELECT count(*) FROM (SELECT job_id FROM job_events GROUP BY job_id
                HAVING count(*) FILTER (WHERE state = 'running') <> 1 OR count(*) FILTER (WHERE state = 'completed') <> 1) bad
                """) == 0)
            // Several workers took part.
            #expect(try await client.count("SELECT count(DISTINCT worker_id) FROM jobs") > 1)
            // From the history: no tenant's backup/restore run intervals overlap.
            let overlaps = try await client.count("""
                WITH runs AS (
                    SELECT r.job_id, r.tenant_id, r.at AS started,
                           (SELECT min(e.at) FROM job_events e WHERE e.job_id = r.job_id AND e.id > r.id) AS ended
                    FROM job_events r WHERE r.state = 'running' AND r.kind IN ('backup', 'restore')
                )
                SELECT count(*) FROM runs a JOIN runs b
                  ON a.tenant_id = b.tenant_id AND a.job_id < b.job_id
                 AND a.started < b.ended AND b.started < a.ended
                """)
            #expect(overlaps == 0)
        }
    }

    @Test("a worker without a handler for any kind it was asked to run refuses to start")
    func noKinds() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let worker = WorkerService(client: schema.client, handlers: HandlerRegistry([DiagnosticJobHandler()]),
                                       configuration: WorkerConfiguration(kinds: [.backup]), logger: TestLogger.make())
            await #expect(throws: QueueError(code: .unknownKind, message: "")) { try await worker.run() }
        }
    }

    @Test("cancelling a running job stops its handler through task cancellation within a heartbeat")
    func cancelRunning() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let worker = WorkerService(client: client, handlers: HandlerRegistry([DiagnosticJobHandler()]),
                                       configuration: WorkerConfiguration(concurrency: 1, lease: .seconds(30), heartbeatInterval: .milliseconds(200)),
                                       logger: logger)
            try await withServices([worker]) { _ in
                let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked)
                    .enqueue(EnqueueRequest(kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(sleepMilliseconds: 600_000))).job
                try await client.waitForJob(job.id, until: [.running])
                _ = try await JobAdministrator(client: client, logger: logger).cancel(job.id)
                // The handler sleeps ten minutes unless cancelled.
                try await client.waitForJob(job.id, until: [.cancelled])
                let stored = try await JobAdministrator(client: client, logger: logger).job(job.id)
                #expect(stored.attempt == 1 && stored.errors.isEmpty)
            }
        }
    }

    @Test("a failing job is retried by the worker and a permanent failure is discarded, with progress reported")
    func failuresThroughWorker() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let worker = WorkerService(client: client, handlers: HandlerRegistry([DiagnosticJobHandler()]),
                                       configuration: WorkerConfiguration(concurrency: 2, pollInterval: .milliseconds(100),
                                                                          retryPolicy: RetryPolicy(base: .milliseconds(50), jitter: 0)),
                                       logger: logger)
            let promoter = ScheduledJobPromoter(client: client, interval: .milliseconds(100), logger: logger)
            try await withServices([worker]) { _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await promoter.runPeriodically(logger: logger) }
                    let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
                    let flaky = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(
                        sleepMilliseconds: 20, fail: "retryable", failUntilAttempt: 3, progressSteps: 2))).job
                    let doomed = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(fail: "permanent"))).job
                    try await client.waitForJob(flaky.id, until: [.completed])
                    try await client.waitForJob(doomed.id, until: [.discarded])
                    let administrator = JobAdministrator(client: client, logger: logger)
                    let done = try await administrator.job(flaky.id)
                    #expect(done.attempt == 3 && done.errors.count == 2)
                    #expect(done.progress?.contains("\"step\": 2") == true)
                    #expect(try await administrator.job(doomed.id).attempt == 1)
                    group.cancelAll()
                }
            }
        }
    }

    @Test("graceful shutdown lets short jobs finish and hands the rest back without burning an attempt")
    func gracefulShutdown() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let worker = WorkerService(client: client, handlers: HandlerRegistry([DiagnosticJobHandler()]),
                                       configuration: WorkerConfiguration(concurrency: 3, shutdownTimeout: .seconds(5)), logger: logger)
            let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
            let short = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(sleepMilliseconds: 1_000))).job
            let long = try await enqueuer.enqueue([
                try EnqueueRequest(kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(sleepMilliseconds: 600_000)),
                try EnqueueRequest(kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(sleepMilliseconds: 600_000)),
            ]).map(\.job)
            try await withServices([worker]) { _ in
                try await eventually("three jobs running") {
                    try await client.count("SELECT count(*) FROM jobs WHERE state = 'running'") == 3
                }
            }
            // withServices returned: the worker has stopped.
            #expect(try await client.state(of: short.id) == "completed")
            for job in long {
                let stored = try await JobAdministrator(client: client, logger: logger).job(job.id)
                #expect(stored.state == .available && stored.attempt == 0 && stored.errors.isEmpty)
            }
            let registration = try await WorkerRegistry(client: client, logger: logger).list(includeStopped: true)
            #expect(registration.count == 1 && registration[0].stoppedAt != nil && registration[0].pid == Int(getpid()))
        }
    }

    @Test("PostgreSQL restarted under running workers: they reconnect and finish every job exactly once")
    func databaseRestart() async throws {
        let cluster = try await TestCluster.started()
        defer { cluster.destroy() }
        let logger = TestLogger.make()
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: cluster.connectionString, maxConnections: 8), logger: logger)
        let migrations = try MigrationSupport.load()
        try await migrations.apply(client: client, logger: logger)
        let handler = CountingHandler(kind: .diagnostic, sleep: .milliseconds(20))
        let workers = (0..<2).map { _ in
            WorkerService(client: client, handlers: HandlerRegistry([handler]),
                          configuration: WorkerConfiguration(concurrency: 4, lease: .seconds(2), heartbeatInterval: .milliseconds(500),
                                                             pollInterval: .milliseconds(200)), logger: logger)
        }
        let rescuer = JobRescuer(client: client, interval: .milliseconds(500), logger: logger)
        let promoter = ScheduledJobPromoter(client: client, interval: .milliseconds(200), logger: logger)
        try await withServices(workers) { _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await rescuer.runPeriodically(logger: logger) }
                group.addTask { await promoter.runPeriodically(logger: logger) }
                _ = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue((0..<300).map { _ in EnqueueRequest(kind: .diagnostic) })
                try await eventually("some jobs done before the restart") {
                    try await client.count("SELECT count(*) FROM jobs WHERE state = 'completed'") >= 30
                }
                try cluster.restart()
                try await eventually("all jobs completed after the restart", within: .seconds(600)) {
                    (try? await client.count("SELECT count(*) FROM jobs WHERE state = 'completed'")) == 300
                }
                group.cancelAll()
            }
        }
        #expect(try await client.count("""
            SELECT count(*) FROM (SELECT job_id FROM job_events GROUP BY job_id
            HAVING count(*) FILTER (WHERE state = 'completed') <> 1) bad
            """) == 0)
        #expect(handler.runCounts.count == 300)
        await client.shutdown()
    }
}
