import Foundation
import Graph
import HoldfastTesting
import Jobs
import Logging
import Postgres
import Queue
import ServiceLifecycle
import Testing
import Vault
import Worker

/// The harness's session for every tenant.
struct FixedSessionProvider: GraphSessionProvider {
    let session: GraphSession
    func session(tenantID: UUID, logger: Logger) async throws -> GraphSession { self.session.logging(to: logger) }
}

@Suite("Backup through the queue")
struct BackupWorkerTests {
    @Test func workerRunsAnEnqueuedBackupIntoOneSnapshotWithProgress() async throws {
        try await BackupHarness.run { harness in
            let client = harness.schema.client
            let handler = BackupJobHandler(vault: harness.vault, sessions: FixedSessionProvider(session: harness.session))
            let worker = WorkerService(client: client, handlers: HandlerRegistry([handler]),
                                       configuration: WorkerConfiguration(concurrency: 2, pollInterval: .milliseconds(100)),
                                       logger: harness.logger)
            let group = ServiceGroup(services: [worker], logger: harness.logger)
            let jobID = try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                defer { tasks.cancelAll() }
                let job = try await JobEnqueuer(client: client, logger: harness.logger, checks: .unchecked)
                    .enqueue(EnqueueRequest(kind: .backup, tenantID: harness.tenantID)).job
                try await client.waitForJob(job.id, until: [.completed])
                await group.triggerGracefulShutdown()
                return job.id
            }

            let snapshots = try await harness.vault.snapshots(tenantID: harness.tenantID)
            #expect(snapshots.count == 1)
            let snapshot = try #require(snapshots.first)
            #expect(snapshot.jobID == jobID && snapshot.status == .complete)
            #expect(try await harness.vault.verify(snapshotID: snapshot.id).passed)

            let progressText = try #require(try await client.query("SELECT progress::text AS p FROM jobs WHERE id = \(jobID)").first?
                .decode(String.self, "p"))
            let progress = try JSONDecoder().decode(BackupProgress.self, from: Data(progressText.utf8))
            #expect(progress.kind == "full")
            #expect(Set(progress.types.keys) == Set(ResourceCatalogue.entries.map(\.name)))
            #expect(progress.types.values.allSatisfy { $0.state == .done })
            #expect(progress.types["user"].map { $0.objectsRead > 0 && $0.newBlobs > 0 && $0.bytes > 0 } == true)
            // Nothing left staged once committed.
            #expect(try await client.query("SELECT count(*) AS n FROM snapshot_staging").first?.decode(Int.self, "n") == 0)
        }
    }
}
