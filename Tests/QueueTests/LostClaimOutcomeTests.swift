import Foundation
import HoldfastTesting
import Logging
import Postgres
import Queue
import ServiceLifecycle
import Synchronization
import Testing
import Worker

/// A handler that ends with an error after its claim was lost but before the lease keeper noticed
/// (a restore whose fenced write was refused): the worker reports a lost lease, not a failure,
/// and writes nothing to the job that another attempt now holds.
@Suite struct LostClaimOutcomeTests {
    /// Runs until the test lets it go, then throws.
    struct ReleasedHandler: JobHandler {
        let box: Box
        let kind = JobKind.diagnostic

        struct Released: Error, CustomStringConvertible {
            var description: String { "the write was refused: the claim no longer holds" }
        }

        func run(_ job: Job, context: JobContext) async throws {
            while !box.released.load(ordering: .acquiring) {
                try await Task.sleep(for: .milliseconds(20))
            }
            throw Released()
        }
    }

    final class Box: Sendable {
        let released = Atomic<Bool>(false)
    }

    @Test func aHandlerThatFailsAfterItsClaimWasTakenIsReportedAsALostLease() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let capture = LogCapture()
            let box = Box()
            // A long lease and slow heartbeats: the lease keeper does not notice before the handler ends.
            let worker = WorkerService(client: client, handlers: HandlerRegistry([ReleasedHandler(box: box)]),
                                       configuration: WorkerConfiguration(concurrency: 1, lease: .seconds(120), heartbeatInterval: .seconds(30)),
                                       logger: capture.logger(label: "worker"))
            try await withServices([worker]) { _ in
                let job = try await JobEnqueuer(client: client, logger: TestLogger.make(), checks: .unchecked)
                    .enqueue(EnqueueRequest(kind: .diagnostic)).job
                try await client.waitForJob(job.id, until: [.running])
                // Another attempt takes the job over (as the rescuer and a second worker would).
                let takenOver = UUID()
                try await client.query("UPDATE jobs SET attempt_id = \(takenOver), attempt = attempt + 1 WHERE id = \(job.id)")
                box.released.store(true, ordering: .releasing)
                try await eventually("the worker reported the handler's end") {
                    capture.records.contains { $0.message.hasPrefix("job stopped: its lease was lost") }
                }
                let stopped = try #require(capture.records.first { $0.message.hasPrefix("job stopped: its lease was lost") })
                #expect(stopped.level == .warning && stopped["error"]?.contains("the claim no longer holds") == true)
                #expect(!capture.records.contains { $0.message == "job failed" })
                // The new attempt's job is untouched: still running, no error recorded by the old one.
                let stored = try await JobAdministrator(client: client, logger: TestLogger.make()).job(job.id)
                #expect(stored.state == .running && stored.attempt == 2 && stored.errors.isEmpty)
            }
        }
    }
}
