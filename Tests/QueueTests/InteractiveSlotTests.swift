import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing
import Worker

/// Fairness at fleet scale: an operator's restore or backup is not stuck behind the nightly pass.
@Suite struct InteractiveSlotTests {
    @Test("a restore goes ahead of the queued nightly pass, even of its own tenant's scheduled backup")
    func restoreBeforeNightlyPass() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked)
            let tenants = (0..<20).map { _ in UUID() }
            _ = try await enqueuer.enqueue(tenants.map { EnqueueRequest(kind: .backup, tenantID: $0, priority: QueuePriority.scheduled) })
            let restore = try await enqueuer.enqueue(EnqueueRequest(kind: .restore, tenantID: tenants[0], priority: QueuePriority.restore)).job
            let manual = try await enqueuer.enqueue(EnqueueRequest(kind: .backup, tenantID: tenants[19], priority: QueuePriority.manualBackup)).job
            let claimer = JobClaimer(client: schema.client, logger: logger)
            let first = try await claimer.claim(workerID: UUID(), limit: 2, lease: .seconds(30))
            #expect(first.map(\.id) == [restore.id, manual.id])
        }
    }

    @Test("with only reserved slots free, a claim takes interactive jobs and no scheduled ones")
    func bulkLimit() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked)
            _ = try await enqueuer.enqueue((0..<6).map { _ in EnqueueRequest(kind: .backup, tenantID: UUID(), priority: QueuePriority.scheduled) })
            let claimer = JobClaimer(client: schema.client, logger: logger)
            #expect(try await claimer.claim(workerID: UUID(), limit: 3, lease: .seconds(30), bulkLimit: 0).isEmpty)
            let webhook = try await enqueuer.enqueue(EnqueueRequest(kind: JobKind("webhook"), priority: QueuePriority.notification)).job
            let restore = try await enqueuer.enqueue(EnqueueRequest(kind: .restore, tenantID: UUID(), priority: QueuePriority.restore)).job
            let interactive = try await claimer.claim(workerID: UUID(), limit: 3, lease: .seconds(30), bulkLimit: 0)
            #expect(interactive.map(\.id) == [restore.id, webhook.id])
            let mixed = try await claimer.claim(workerID: UUID(), limit: 3, lease: .seconds(30), bulkLimit: 2)
            #expect(mixed.count == 2 && mixed.allSatisfy { $0.priority == QueuePriority.scheduled })
            #expect(try await claimer.claim(workerID: UUID(), limit: 5, lease: .seconds(30)).count == 4, "no limit: the rest")
        }
    }

    @Test("a worker keeps its reserved slot free while scheduled work waits, and a restore starts in it")
    func reservedSlot() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
            // The nightly pass: more long jobs than the worker has slots.
            let nightly = try await enqueuer.enqueue((0..<6).map { _ in
                try EnqueueRequest(kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(sleepMilliseconds: 600_000),
                                   priority: QueuePriority.scheduled)
            }).map(\.job.id)
            let worker = WorkerService(client: client, handlers: HandlerRegistry([DiagnosticJobHandler()]),
                                       configuration: WorkerConfiguration(concurrency: 3, pollInterval: .milliseconds(100),
                                                                          shutdownTimeout: .zero, interactiveSlots: 1), logger: logger)
            try await withServices([worker]) { _ in
                try await eventually("two scheduled jobs running") {
                    try await client.count("SELECT count(*) FROM jobs WHERE state = 'running'") == 2
                }
                let restore = try await enqueuer.enqueue(try EnqueueRequest(
                    kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(sleepMilliseconds: 1), priority: QueuePriority.restore)).job
                try await eventually("the restore ran") { try await client.state(of: restore.id) == "completed" }
                // The scheduled jobs never took the reserved slot: still two running, the rest waiting.
                let running = try await client.query("SELECT id FROM jobs WHERE state = 'running'").rows.map { try $0.decode(Int64.self, "id") }
                #expect(running.count == 2 && Set(running).isSubset(of: Set(nightly)))
                #expect(try await client.count("SELECT count(*) FROM jobs WHERE state = 'available'") == 4)
            }
        }
    }
}
