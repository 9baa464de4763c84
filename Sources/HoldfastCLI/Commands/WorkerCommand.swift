import ArgumentParser
import HoldfastRuntime
import ServiceLifecycle

/// `holdfast worker`: claims and runs jobs until SIGTERM/SIGINT.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from the queue until SIGTERM or SIGINT.",
        discussion: """
            On SIGTERM the worker stops claiming, lets running jobs finish for up to --shutdown-timeout \
            seconds, hands the rest back to the queue (their attempt is not counted) and exits 0. \
            Every worker registers itself in the `workers` table (host, pid, version, last seen). \
            Each flag has an environment variable (docs/configuration.md).
            """
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(name: .customLong("concurrency"), help: "Jobs run at once (default: 10).")
    var concurrency: String?

    @Option(name: .customLong("interactive-slots"),
            help: "Slots kept for restores, manual backups and webhooks while scheduled work fills the rest (default: 1; 0 with --concurrency 1).")
    var interactiveSlots: String?

    @Option(name: .customLong("kinds"), help: "Comma-separated job kinds to run (default: every kind this build has a handler for).")
    var kinds: String?

    @Option(name: .customLong("lease"), help: "Seconds a claim holds without a heartbeat (default: 30).")
    var lease: String?

    @Option(name: .customLong("heartbeat"), help: "Seconds between heartbeats (default: a third of --lease).")
    var heartbeat: String?

    @Option(name: .customLong("poll"), help: "Seconds between polls when no NOTIFY arrives (default: 2).")
    var poll: String?

    @Option(name: .customLong("shutdown-timeout"), help: "Seconds running jobs may take to finish on SIGTERM before they are handed back (default: 30).")
    var shutdownTimeout: String?

    @Option(name: .customLong("retry-base"), help: "Seconds before the first retry of a failed job, doubling per attempt, ±20 % jitter (default: 15).")
    var retryBase: String?

    @Option(name: .customLong("retry-max"), help: "Longest delay between attempts, in seconds (default: 3600).")
    var retryMax: String?

    @Option(name: .customLong("max-run-time"),
            help: "Longest run per kind, as KIND=SECONDS[,KIND=SECONDS…] (default: $HOLDFAST_WORKER_MAX_RUN_TIME; unset: no limit). A job past its kind's limit is cancelled and fails as retryable.")
    var maxRunTime: String?

    @Option(name: .customLong("drill-scratch-tenant"),
            help: "Holdfast id of an onboarded scratch tenant that validation jobs restore into as a drill (default: $HOLDFAST_DRILL_SCRATCH_TENANT; unset: the drill check is skipped).")
    var drillScratchTenant: String?

    func run() async throws {
        let flags = CommandFlags([
            .workerConcurrency: concurrency, .workerInteractiveSlots: interactiveSlots, .workerKinds: kinds, .workerLease: lease, .workerHeartbeat: heartbeat, .workerPoll: poll,
            .workerShutdownTimeout: shutdownTimeout, .workerRetryBase: retryBase, .workerRetryMax: retryMax,
            .workerMaxRunTime: maxRunTime, .drillScratchTenant: drillScratchTenant,
        ])
        let (configuration, logger) = try await common.load(label: "holdfast.worker", [metrics, flags])
        let runtime = HoldfastRuntime(configuration: configuration, logger: logger, applicationName: "holdfast-worker")
        var services: [any Service] = [try runtime.buildWorker()]
        if configuration.metrics.port != nil, let endpoint = runtime.buildMetricsEndpoint(registry: HoldfastRuntime.metricsRegistry) {
            services.append(endpoint)
        }
        // Past this, the group cancels what is still running (handlers are then cancelled too).
        try await runtime.run(services, gracefulShutdown: configuration.worker.shutdownTimeout + configuration.worker.lease)
    }
}
