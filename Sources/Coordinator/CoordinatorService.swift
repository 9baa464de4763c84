public import Logging
public import Postgres
public import Queue
public import ServiceLifecycle
import Foundation
import Metrics
import Synchronization

/// The coordinator: campaigns for leadership and, while it leads, runs the queue's maintenance
/// (rescue, promotion, pruning) and the leader tasks it was given (the tenant scheduler, SLA
/// evaluation, scheduled reports, the credential expiry check).
///
/// The leader renews its lease every `renewInterval`. If it cannot renew (database unreachable)
/// it steps down once two thirds of the lease have passed since its last renewal, before the
/// lease ends and another coordinator may take over, so two never lead at once.
public final class CoordinatorService: Service {
    public let configuration: CoordinatorConfiguration
    private let client: PostgresClient
    private let logger: Logger
    private let elector: LeaderElector
    private let leading = Atomic<Bool>(false)
    /// Further periodic work only the leader does (the tenant scheduler, SLA evaluation, scheduled
    /// reports), supplied by the process that builds the coordinator: each comes from the module
    /// that owns its tables, so this one need not know them.
    private let leaderTasks: [any MaintenanceTask]

    /// True while this coordinator leads (for health checks and tests).
    public var isLeader: Bool { leading.load(ordering: .acquiring) }

    public init(client: PostgresClient, configuration: CoordinatorConfiguration, leaderTasks: [any MaintenanceTask] = [],
                logger: Logger) {
        var logger = logger
        logger[metadataKey: "coordinator.id"] = "\(configuration.id.uuidString.lowercased())"
        self.client = client
        self.configuration = configuration
        self.leaderTasks = leaderTasks
        self.logger = logger
        self.elector = LeaderElector(client: client, candidateID: configuration.id, ttl: configuration.leaderLease, logger: logger)
    }

    public func run() async throws {
        logger.info("coordinator started", metadata: ["leader.lease_s": "\(configuration.leaderLease.seconds)"])
        await cancelWhenGracefulShutdown {
            await self.campaign()
        }
        try? await elector.resign()
        Gauge(label: "holdfast_coordinator_leader").record(0)
        logger.info("coordinator stopped")
    }

    private func campaign() async {
        while !Task.isCancelled {
            let attemptStarted = ContinuousClock.now
            do {
                if try await elector.acquireOrRenew() {
                    await lead(electedAt: attemptStarted)
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("leader election failed; will try again", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: configuration.renewInterval) } catch { return }
        }
    }

    /// One term: runs until the lease is lost, cannot be renewed in time, or the task is cancelled.
    private func lead(electedAt: ContinuousClock.Instant) async {
        logger.notice("leadership acquired")
        leading.store(true, ordering: .releasing)
        Gauge(label: "holdfast_coordinator_leader").record(1)
        let watch = LeaseWatch(renewedAt: electedAt)
        let rescuer = JobRescuer(client: client, interval: configuration.rescueInterval, logger: logger)
        let promoter = ScheduledJobPromoter(client: client, interval: configuration.promoteInterval, logger: logger)
        let pruner = JobPruner(client: client, retention: configuration.retention, interval: configuration.pruneInterval, logger: logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.watchdog(watch) }
            group.addTask { await self.renew(watch) }
            group.addTask { await rescuer.runPeriodically(logger: self.logger) }
            group.addTask { await promoter.runPeriodically(logger: self.logger) }
            group.addTask { await pruner.runPeriodically(logger: self.logger) }
            group.addTask { await self.sampleDepth() }
            for task in self.leaderTasks {
                group.addTask { await task.runPeriodically(logger: self.logger) }
            }
            // The watchdog returns first: when the lease is lost, overdue, or we are cancelled.
            await group.next()
            logger.notice("leadership ended: stepping down", metadata: ["leader.lost": "\(watch.isLost)"])
            leading.store(false, ordering: .releasing)
            group.cancelAll()
        }
        for task in leaderTasks { task.stopped() }
        Gauge(label: "holdfast_coordinator_leader").record(0)
    }

    private func watchdog(_ watch: LeaseWatch) async {
        let stepDownAfter = configuration.leaderLease * 2 / 3
        while !Task.isCancelled && !watch.isLost {
            if ContinuousClock.now - watch.renewedAt >= stepDownAfter {
                logger.warning("could not renew the leader lease in time", metadata: ["leader.lease_s": "\(configuration.leaderLease.seconds)"])
                return
            }
            do { try await Task.sleep(for: .milliseconds(50)) } catch { return }
        }
    }

    private func renew(_ watch: LeaseWatch) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.renewInterval) } catch { return }
            let started = ContinuousClock.now
            do {
                if try await elector.acquireOrRenew() {
                    watch.renewed(at: started)
                } else {
                    watch.lose()
                    return
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("leader lease renewal failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func sampleDepth() async {
        let metrics = QueueHealthMetrics(administrator: JobAdministrator(client: client, logger: logger),
                                         workers: WorkerRegistry(client: client, logger: logger))
        while !Task.isCancelled {
            await metrics.sample()
            do { try await Task.sleep(for: configuration.depthSampleInterval) } catch { break }
        }
        // A coordinator that no longer leads stops sampling: its last values must not linger
        // beside the new leader's.
        metrics.remove()
    }
}
