public import Logging
public import Postgres
public import Queue
public import ServiceLifecycle
import Foundation

/// A worker: claims jobs when it has free slots, runs them through their handlers, keeps their
/// leases alive, and reports every outcome conditionally on still holding the claim.
///
/// Fencing: a job whose lease this worker could not renew for ``WorkerConfiguration/fenceAfter``
/// (two thirds of the lease by default) has its handler cancelled, and nothing is written for it
/// again; the rescuer only makes it available once the whole lease has passed. Heartbeats use a
/// connection of their own, so job I/O queued in the pool cannot delay them, and each has a
/// deadline. Handlers check ``JobContext/leaseIsCurrent`` before writes that cannot be made
/// conditional in the database (a restore's Graph writes).
///
/// Graceful shutdown (SIGTERM) stops claiming, lets running jobs finish until
/// `shutdownTimeout`, then cancels the rest and hands them back (available again at once, the
/// attempt not burned). Task cancellation (the group's maximum shutdown duration passed) cancels
/// the handlers at once; jobs whose outcome could not be written are rescued when their lease expires.
public final class WorkerService: Service {
    public let configuration: WorkerConfiguration
    private let client: PostgresClient
    private let handlers: HandlerRegistry
    private let logger: Logger
    private let claimer: JobClaimer
    private let completer: JobCompleter
    private let registry: WorkerRegistry
    private let running = RunningJobs()
    private let batcher: CompletionBatcher

    public init(client: PostgresClient, handlers: HandlerRegistry, configuration: WorkerConfiguration, logger: Logger) {
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(configuration.id.uuidString.lowercased())"
        self.client = client
        self.handlers = handlers
        self.configuration = configuration
        self.logger = logger
        self.claimer = JobClaimer(client: client, logger: logger)
        let completer = JobCompleter(client: client, logger: logger)
        self.completer = completer
        self.registry = WorkerRegistry(client: client, logger: logger)
        // With several slots, jobs that finish together complete together: a short wait turns a
        // stream of one-row UPDATEs into a few batched ones (no wait with one slot: nobody to wait for).
        let outcomeKinds = handlers.outcomeKinds
        self.batcher = CompletionBatcher(gatherDelay: configuration.concurrency > 1 ? configuration.batchGatherDelay : .zero) { claims in
            try await completer.complete(claims, outcomeKinds: outcomeKinds)
        }
    }

    /// Kinds this worker claims.
    public var kinds: [JobKind] {
        let registered = handlers.kinds
        guard let wanted = configuration.kinds else { return registered }
        return registered.filter(wanted.contains)
    }

    public func run() async throws {
        guard !kinds.isEmpty else {
            throw QueueError(code: .unknownKind, message: "this worker has no handler for any of the kinds it was asked to run "
                             + "(\(configuration.kinds?.map(\.rawValue).joined(separator: ", ") ?? "none registered"))")
        }
        try await retryingTransient("register worker", deadline: nil) {
            try await self.registry.register(id: self.configuration.id, version: self.configuration.version,
                                             concurrency: self.configuration.concurrency, kinds: self.kinds)
        }
        WorkerMetrics.slots(configuration.concurrency)
        logger.info("worker started", metadata: [
            "worker.concurrency": "\(configuration.concurrency)", "worker.kinds": "\(kinds.map(\.rawValue).joined(separator: ","))",
        ])
        let (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeUp.yield()
        let heartbeatClient = LeaseKeeper.heartbeatClient(beside: client, logger: logger)
        let keeper = LeaseKeeper(running: running, lease: configuration.lease, heartbeatInterval: configuration.heartbeatInterval,
                                 heartbeatTimeout: configuration.heartbeatTimeout, fenceAfter: configuration.fenceAfter, logger: logger)
        let seenRegistry = WorkerRegistry(client: heartbeatClient, logger: logger)
        let workerID = configuration.id
        await withDiscardingTaskGroup { group in
            if configuration.listens {
                group.addTask { await self.listenForWork(wakeUp: wakeUp) }
            }
            group.addTask { await self.poll(wakeUp: wakeUp) }
            group.addTask { await keeper.heartbeat(client: heartbeatClient) { try await seenRegistry.seen(id: workerID) } }
            group.addTask { await keeper.fence() }

            await withGracefulShutdownHandler {
                await self.claimLoop(wakeUps: wakeUps, wakeUp: wakeUp, group: &group)
            } onGracefulShutdown: {
                wakeUp.finish()
            }
            let graceful = !Task.isCancelled
            if graceful, running.count > 0 {
                logger.info("stopping: waiting for running jobs", metadata: [
                    "jobs.running": "\(running.count)", "shutdown.timeout_s": "\(configuration.shutdownTimeout.seconds)",
                ])
                await waitForRunningJobs(upTo: configuration.shutdownTimeout)
            }
            if running.count > 0 {
                logger.notice("handing back unfinished jobs", metadata: ["jobs.running": "\(running.count)"])
                running.stopAll(reason: .shutdown)
                await waitForRunningJobs(upTo: nil)
            }
            group.cancelAll()
        }
        await heartbeatClient.shutdown()
        try? await registry.stopped(id: configuration.id)
        logger.info("worker stopped")
    }

    // MARK: - Claiming

    private func claimLoop(wakeUps: AsyncStream<Void>, wakeUp: AsyncStream<Void>.Continuation, group: inout DiscardingTaskGroup) async {
        let kinds = self.kinds
        for await _ in wakeUps {
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            // Completions land in batches and their jobs' tasks finish together: let them all free
            // their slots before counting, so one claim fills them instead of one claim each.
            await Task.yield()
            var free = running.freeSlots(of: configuration.concurrency)
            guard free > 0 else { continue }
            if free < configuration.concurrency / 2, configuration.batchGatherDelay > .zero {
                // Most slots are busy: give others a moment to free up, so one claim fills several
                // (the wait ends as soon as half the slots are free).
                await running.waitForFreeSlots(configuration.concurrency / 2, of: configuration.concurrency,
                                               upTo: configuration.batchGatherDelay)
                free = running.freeSlots(of: configuration.concurrency)
            }
            // Scheduled work may fill all but the reserved slots; only interactive jobs take those.
            let bulkRoom = max(0, configuration.concurrency - configuration.interactiveSlots - running.bulkHandling)
            let started = ContinuousClock.now
            let jobs: [Job]
            do {
                jobs = try await claimer.claim(workerID: configuration.id, limit: free, lease: configuration.lease, kinds: kinds,
                                               bulkLimit: bulkRoom < free ? bulkRoom : nil)
            } catch {
                if Task.isCancelled { break }
                logger.warning("claim failed; retrying at the next poll", metadata: ["error": "\(error)"])
                continue
            }
            WorkerMetrics.claimLatency(ContinuousClock.now - started)
            for job in jobs {
                guard let claim = job.claim else { continue }
                running.insert(claim, claimedAt: started, bulk: !QueuePriority.isInteractive(job.priority))
                WorkerMetrics.claimed(job.kind)
                WorkerMetrics.claimedAfterWaiting(job)
                group.addTask {
                    await self.execute(job, claim: claim) {
                        // The handler is done: claim the next job while this one's outcome is written.
                        self.running.handlerFinished(claim.jobID)
                        wakeUp.yield()
                    }
                    self.running.remove(claim.jobID)
                    WorkerMetrics.running(self.running.count)
                    wakeUp.yield()
                }
            }
            WorkerMetrics.running(running.count)
            // A full claim means more may be waiting: look again without waiting for a wake-up.
            if jobs.count == free { wakeUp.yield() }
        }
    }

    private func listenForWork(wakeUp: AsyncStream<Void>.Continuation) async {
        WorkerMetrics.listenerConnected(false)
        for await event in client.listen(to: [QueueChannel.jobsAvailable]) {
            switch event {
            case .listening, .notification:
                if event == .listening { WorkerMetrics.listenerConnected(true) }
                // Debounced by the stream's one-element buffer: a burst of NOTIFYs is one claim round.
                wakeUp.yield()
            case .disconnected:
                WorkerMetrics.listenerConnected(false)
            }
        }
        WorkerMetrics.listenerConnected(false)
    }

    private func poll(wakeUp: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.pollInterval) } catch { return }
            wakeUp.yield()
        }
    }

    private func waitForRunningJobs(upTo timeout: Duration?) async {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while running.count > 0 {
            if let deadline, ContinuousClock.now >= deadline { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: - Running one job

    private enum Outcome: Sendable {
        case succeeded
        case threw(any Error)
        case stopped(StopReason)
        /// Still running after its kind's maximum run time: cancelled.
        case timedOut(Duration)

        /// The `outcome` label of `holdfast_job_duration_seconds`.
        var metricLabel: String {
            switch self {
            case .succeeded: "completed"
            case .threw: "failed"
            case .timedOut: "timed_out"
            case .stopped(.cancelRequested): "cancelled"
            case .stopped(.leaseLost): "lease_lost"
            case .stopped(.shutdown): "handed_back"
            }
        }
    }

    private func execute(_ job: Job, claim: JobClaim, handlerFinished: () -> Void) async {
        let started = ContinuousClock.now
        var logger = self.logger
        // One metadata write per job, not one per key: handlers such as StreamLogHandler re-render
        // all their metadata on every write (measured: 7 % of a busy worker's CPU).
        var metadata = logger.handler.metadata
        metadata["job.id"] = "\(job.id)"
        metadata["job.kind"] = "\(job.kind)"
        metadata["job.attempt"] = "\(job.attempt)"
        if let tenant = job.tenantID { metadata["tenant.id"] = "\(tenant.uuidString.lowercased())" }
        logger.handler.metadata = metadata
        guard let handler = handlers.handler(for: job.kind) else {
            handlerFinished()
            await record(.threw(PermanentJobError("no handler for kind '\(job.kind)' on this worker")), job: job, claim: claim, logger: logger)
            return
        }
        let completer = self.completer
        let running = self.running
        let fenceAfter = configuration.fenceAfter
        let context = JobContext(claim: claim, logger: logger, leaseCheck: { running.isFresh(claim.jobID, fenceAfter: fenceAfter) }) { json in
            try await completer.reportProgress(claim, json: json)
        }
        logger.debug("job started")
        let outcome = await withTaskGroup(of: Outcome?.self) { inner -> Outcome in
            inner.addTask {
                do {
                    try await handler.run(job, context: context)
                    return .succeeded
                } catch {
                    return .threw(error)
                }
            }
            inner.addTask {
                guard let reason = await self.running.waitForStop(claim.jobID) else { return nil }
                return .stopped(reason)
            }
            if let limit = configuration.maximumRunTimes[job.kind] {
                inner.addTask {
                    do { try await Task.sleep(for: limit) } catch { return nil }
                    return .timedOut(limit)
                }
            }
            let first = await inner.next() ?? nil
            inner.cancelAll()
            // The group waits for the handler, after its cancellation, before it returns.
            return first ?? .stopped(.leaseLost)
        }
        handlerFinished()
        WorkerMetrics.finished(job.kind, outcome: outcome.metricLabel, after: ContinuousClock.now - started)
        await record(outcome, job: job, claim: claim, logger: logger)
    }

    private func record(_ outcome: Outcome, job: Job, claim: JobClaim, logger: Logger) async {
        // Outcomes are written even while shutting down or after a database restart: retried
        // until they land or the lease has surely been taken over.
        let deadline = ContinuousClock.now + configuration.lease * 2
        do {
            switch outcome {
            case .succeeded:
                let held = try await retryingTransient("complete", deadline: deadline) { try await self.batcher.complete(claim) }
                if held {
                    WorkerMetrics.completed(job.kind)
                    logger.info("job completed")
                } else {
                    logger.warning("job finished but its completion was refused: its lease was lost (rescued or finished elsewhere), or the database lost the outcome it committed (a failover; the job runs again)")
                }
            case .threw(let error):
                let permanent = error is PermanentJobError
                let outcome = try await retryingTransient("fail", deadline: deadline) {
                    try await self.completer.fail(claim, error: "\(error)", permanent: permanent, retryPolicy: self.configuration.retryPolicy)
                }
                if outcome == .claimLost {
                    // The handler ended (often on its own fenced write) before the lease keeper
                    // stopped it: the same lost lease, and nothing of the failure was recorded.
                    logger.warning("job stopped: its lease was lost (rescued or finished elsewhere); its error was not recorded",
                                   metadata: ["error": "\(error)"])
                } else {
                    // Counted as a failure only when it was recorded as one: a lost lease is not a
                    // failed backup (the "backups failing" alert reads this counter).
                    WorkerMetrics.failed(job.kind, outcome: outcome.rawValue)
                    logger.warning("job failed", metadata: ["error": "\(error)", "job.outcome": "\(outcome.rawValue)"])
                }
            case .timedOut(let limit):
                let message = "ran longer than the maximum run time of \(limit.seconds) s for kind '\(job.kind)', so it was cancelled"
                let outcome = try await retryingTransient("fail", deadline: deadline) {
                    try await self.completer.fail(claim, error: message, permanent: false, retryPolicy: self.configuration.retryPolicy)
                }
                WorkerMetrics.failed(job.kind, outcome: outcome.rawValue)
                logger.warning("job exceeded its kind's maximum run time and was cancelled", metadata: [
                    "job.max_run_time_s": "\(limit.seconds)", "job.outcome": "\(outcome.rawValue)",
                ])
            case .stopped(.cancelRequested):
                _ = try await retryingTransient("cancel", deadline: deadline) { try await self.completer.markCancelled([claim]) }
                logger.notice("job cancelled by an operator")
            case .stopped(.leaseLost):
                logger.warning("job stopped: its lease was lost (rescued or finished elsewhere)")
            case .stopped(.shutdown):
                _ = try await retryingTransient("hand back", deadline: deadline) { try await self.completer.handBack([claim]) }
                logger.notice("job handed back for another worker")
            }
        } catch {
            logger.error("could not record the job's outcome; the rescuer will pick it up when its lease expires",
                         metadata: ["error": "\(error)"])
        }
    }

    /// Retries `body` on broken connections (server restart) with backoff, until `deadline`.
    private func retryingTransient<T: Sendable>(_ operation: String, deadline: ContinuousClock.Instant?,
                                                 _ body: @Sendable () async throws -> T) async throws -> T {
        var delay = Duration.milliseconds(50)
        while true {
            do {
                return try await body()
            } catch where error.isTransientDatabaseError {
                if let deadline, ContinuousClock.now + delay > deadline { throw error }
                logger.warning("database unavailable; retrying", metadata: ["operation": "\(operation)", "error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
