import ArgumentParser
import HoldfastRuntime
import ServiceLifecycle

/// `holdfast coordinator`: leader election, the scheduler and queue maintenance, until SIGTERM/SIGINT.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Schedule tenants' jobs and maintain the queue (one leader among all coordinators).",
        discussion: """
            Run as many coordinators as you like: they elect one leader through a lease row in PostgreSQL. \
            Only the leader schedules and runs maintenance (including SLA evaluation, scheduled reports and \
            the credential expiry check); a leader that cannot renew its lease steps down before the lease \
            ends, and another takes over once it has expired. Each flag has an environment variable \
            (docs/configuration.md).
            """
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var compliance: ComplianceOptions

    @Option(name: .customLong("leader-lease"), help: "Seconds a leader's lease lasts without renewal (default: 15).")
    var leaderLease: String?

    @Option(name: .customLong("rescue-interval"), help: "Seconds between rescues of jobs whose lease expired (default: 5).")
    var rescueInterval: String?

    @Option(name: .customLong("promote-interval"), help: "Seconds between promotions of due scheduled and retryable jobs (default: 1).")
    var promoteInterval: String?

    @Option(name: .customLong("prune-interval"), help: "Seconds between prunes of finished jobs and old history (default: 300).")
    var pruneInterval: String?

    @Option(name: .customLong("retention-days"), help: "Days finished jobs and their history are kept (default: 7).")
    var retentionDays: String?

    @Option(name: .customLong("schedule-interval"), help: "Seconds between looks for due tenants (default: 15).")
    var scheduleInterval: String?

    @Option(name: .customLong("credential-warning-days"), help: "Log a warning for tenant credentials expiring within this many days (default: 30).")
    var credentialWarningDays: String?

    @Option(name: .customLong("credential-check-interval"), help: "Seconds between credential expiry checks (default: 21600).")
    var credentialCheckInterval: String?

    func run() async throws {
        let flags = CommandFlags([
            .leaderLease: leaderLease, .rescueInterval: rescueInterval, .promoteInterval: promoteInterval, .pruneInterval: pruneInterval,
            .jobRetentionDays: retentionDays, .scheduleInterval: scheduleInterval, .credentialWarningDays: credentialWarningDays,
            .credentialCheckInterval: credentialCheckInterval,
        ])
        let (configuration, logger) = try await common.load(label: "holdfast.coordinator", [metrics, api, compliance, flags])
        let runtime = HoldfastRuntime(configuration: configuration, logger: logger, applicationName: "holdfast-coordinator")
        // The API serves /metrics too, so the registry exists when either is configured.
        let registry = configuration.metrics.port != nil || configuration.api.listen != nil ? HoldfastRuntime.metricsRegistry : nil
        var services: [any Service] = [try runtime.buildCoordinator()]
        if let registry, let endpoint = runtime.buildMetricsEndpoint(registry: registry) { services.append(endpoint) }
        if let api = try runtime.buildAPI(metrics: registry) { services.append(api) }
        // Past this, the group cancels what is still running.
        try await runtime.run(services, gracefulShutdown: .seconds(30))
    }
}
