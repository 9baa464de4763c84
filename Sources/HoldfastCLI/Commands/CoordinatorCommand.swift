import ArgumentParser
import Coordinator
import Foundation
import Logging
import Postgres
import Queue
import ServiceLifecycle
import Tenancy

/// `holdfast coordinator`: leader election, the scheduler and queue maintenance, until SIGTERM/SIGINT.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Schedule tenants' jobs and maintain the queue (one leader among all coordinators).",
        discussion: """
            Run as many coordinators as you like: they elect one leader through a lease row in PostgreSQL. \
            Only the leader schedules and runs maintenance; a leader that cannot renew its lease steps down \
            before the lease ends, and another takes over once it has expired.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var compliance: ComplianceOptions

    @Option(name: .customLong("leader-lease"), help: "Seconds a leader's lease lasts without renewal.")
    var leaderLease = Seconds(15)

    @Option(name: .customLong("rescue-interval"), help: "Seconds between rescues of jobs whose lease expired.")
    var rescueInterval = Seconds(5)

    @Option(name: .customLong("promote-interval"), help: "Seconds between promotions of due scheduled and retryable jobs.")
    var promoteInterval = Seconds(1)

    @Option(name: .customLong("prune-interval"), help: "Seconds between prunes of finished jobs and old history.")
    var pruneInterval = Seconds(300)

    @Option(name: .customLong("retention-days"), help: "Days finished jobs and their history are kept.")
    var retentionDays: Double = 7

    @Option(name: .customLong("schedule-interval"), help: "Seconds between looks for due tenants.")
    var scheduleInterval = Seconds(15)

    @Option(name: .customLong("credential-warning-days"), help: "Log a warning for tenant credentials expiring within this many days.")
    var credentialWarningDays: Double = 30

    @Option(name: .customLong("credential-check-interval"), help: "Seconds between credential expiry checks.")
    var credentialCheckInterval = Seconds(6 * 3600)

    func validate() throws {
        guard credentialWarningDays >= 0 else { throw ValidationError("--credential-warning-days must not be negative.") }
        guard credentialCheckInterval.duration >= .seconds(1) else { throw ValidationError("--credential-check-interval must be at least 1 second.") }
        guard leaderLease.duration >= .seconds(1) else { throw ValidationError("--leader-lease must be at least 1 second.") }
        guard retentionDays > 0 else { throw ValidationError("--retention-days must be positive.") }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "holdfast.coordinator")
        let registry = (metrics.resolvedPort != nil || api.listenAddress != nil) ? MetricsOptions.bootstrapRegistry() : nil
        let metricsService = registry.flatMap { metrics.makeService(logger: logger, registry: $0) }
        let configuration = CoordinatorConfiguration(
            leaderLease: leaderLease.duration,
            rescueInterval: rescueInterval.duration,
            promoteInterval: promoteInterval.duration,
            pruneInterval: pruneInterval.duration,
            retention: .milliseconds(Int64(retentionDays * 86_400_000)),
            scheduleInterval: scheduleInterval.duration
        )
        var poolConfiguration = database.configuration
        poolConfiguration.applicationName = "holdfast-coordinator"
        let client = PostgresClient(configuration: poolConfiguration, logger: logger)
        let tenantMetrics = TenantHealthMetrics()
        let leaderTasks: [any MaintenanceTask]
        do {
            leaderTasks = try compliance.leaderTasks(client: client, metrics: tenantMetrics, logger: logger)
        } catch {
            await client.shutdown()
            throw error
        }
        let coordinator = CoordinatorService(client: client, configuration: configuration, leaderTasks: leaderTasks, logger: logger)
        let expiry = CredentialExpiryCheck(client: client, window: .milliseconds(Int64(credentialWarningDays * 86_400_000)),
                                           interval: credentialCheckInterval.duration, logger: logger)
        var services: [any Service] = [coordinator, CredentialExpiryService(check: expiry, metrics: tenantMetrics)]
        if let metricsService { services.append(metricsService) }
        if let apiService = try api.makeService(client: client, metrics: registry, reportSigningKey: try compliance.signingKey(), logger: logger) {
            services.append(apiService)
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        // Past this, the group cancels what is still running (handlers are then cancelled too).
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(30)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}
