public import Foundation
public import Logging
public import Postgres
public import Queue

/// Runs one job in this process, in the foreground, as a worker would run a claimed one: the job
/// is inserted already running for this process (``JobClaimer/claimNew(_:workerID:lease:)``), so
/// it takes the tenant's exclusivity (invariant 1) and holds a claim; its lease is kept by
/// heartbeats on a session of their own and fenced as a worker fences (docs/queue.md,
/// "Fencing"); the job is completed, or failed without retry, when `body` ends.
///
/// For an operator's `holdfast restore apply`: the temporary passwords of recreated users must
/// reach the operator's terminal, so the restore cannot be left to a worker, yet it must not run
/// beside a backup or another restore of the tenant. Give the request `maxAttempts: 1`: if this
/// process dies, the rescuer discards the job instead of handing it to a worker.
public struct ForegroundJob: Sendable {
    let client: PostgresClient
    let lease: Duration
    let logger: Logger

    public init(client: PostgresClient, lease: Duration = .seconds(30), logger: Logger) {
        precondition(lease >= .milliseconds(500), "a foreground job's lease must be at least half a second")
        self.client = client
        self.lease = lease
        self.logger = logger
    }

    private enum Ending<T: Sendable>: Sendable {
        case returned(T)
        case threw(any Error)
        case stopped(StopReason)
    }

    /// Starts the job, runs `body` with its context, and records the outcome. Throws ``QueueError``
    /// `.tenantBusy` when a backup or restore of the tenant runs, `.claimLost` when the lease could
    /// not be kept (the body was cancelled), or what `body` threw.
    public func run<T: Sendable>(_ request: EnqueueRequest, _ body: @escaping @Sendable (JobContext) async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        let job = try await JobClaimer(client: client, logger: logger).claimNew(request, workerID: UUID(), lease: lease)
        guard let claim = job.claim else {
            throw QueueError(code: .storage, message: "foreground job \(job.id) was not started as running")
        }
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.kind"] = "\(job.kind)"
        if let tenant = job.tenantID { logger[metadataKey: "tenant.id"] = "\(tenant)" }
        let running = RunningJobs()
        running.insert(claim, claimedAt: started)
        let fenceAfter = lease * 2 / 3
        let keeper = LeaseKeeper(running: running, lease: lease, heartbeatInterval: lease / 4, heartbeatTimeout: lease / 4,
                                 fenceAfter: fenceAfter, logger: logger)
        let heartbeatClient = LeaseKeeper.heartbeatClient(beside: client, logger: logger)
        let completer = JobCompleter(client: client, logger: logger)
        let context = JobContext(claim: claim, logger: logger, leaseCheck: { running.isFresh(claim.jobID, fenceAfter: fenceAfter) }) { json in
            try await completer.reportProgress(claim, json: json)
        }
        let ending = await withTaskGroup(of: Ending<T>?.self) { group -> Ending<T> in
            group.addTask { await keeper.heartbeat(client: heartbeatClient); return nil }
            group.addTask { await keeper.fence(); return nil }
            group.addTask {
                guard let reason = await running.waitForStop(claim.jobID) else { return nil }
                return .stopped(reason)
            }
            group.addTask {
                do { return .returned(try await body(context)) } catch { return .threw(error) }
            }
            for await ending in group {
                if let ending {
                    group.cancelAll()
                    return ending
                }
            }
            return .threw(CancellationError())
        }
        await heartbeatClient.shutdown()
        running.remove(claim.jobID)
        switch ending {
        case .returned(let value):
            if try await completer.complete([claim]).isEmpty {
                logger.warning("the foreground job finished but its completion was refused: it no longer holds its claim")
            }
            return value
        case .threw(let error):
            _ = try await completer.fail(claim, error: "\(error)", permanent: true, retryPolicy: RetryPolicy())
            throw error
        case .stopped(.cancelRequested):
            try await completer.markCancelled([claim])
            throw QueueError(code: .claimLost, message: "job \(job.id) was cancelled by an operator; it stopped")
        case .stopped(.leaseLost), .stopped(.shutdown):
            throw QueueError(code: .claimLost, message: "job \(job.id) could not keep its lease (the database did not answer in time); it stopped and wrote nothing more")
        }
    }
}
