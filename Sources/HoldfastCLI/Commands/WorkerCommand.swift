import ArgumentParser
import Compliance
import Cryptography
import Foundation
import Graph
import Restore
import HTTP
import Jobs
import Logging
import Postgres
import Queue
import ServiceLifecycle
import Tenancy
import Worker

/// `holdfast worker`: claims and runs jobs until SIGTERM/SIGINT.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from the queue until SIGTERM or SIGINT.",
        discussion: """
            On SIGTERM the worker stops claiming, lets running jobs finish for up to --shutdown-timeout \
            seconds, hands the rest back to the queue (their attempt is not counted) and exits 0. \
            Every worker registers itself in the `workers` table (host, pid, version, last seen).
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var vault: VaultOptions

    @Option(name: .customLong("concurrency"), help: "Jobs run at once.")
    var concurrency: Int = 10

    @Option(name: .customLong("kinds"), help: "Comma-separated job kinds to run (default: every kind this build has a handler for).")
    var kinds: String?

    @Option(name: .customLong("lease"), help: "Seconds a claim holds without a heartbeat.")
    var lease = Seconds(30)

    @Option(name: .customLong("heartbeat"), help: "Seconds between heartbeats (default: a third of --lease).")
    var heartbeat: Seconds?

    @Option(name: .customLong("poll"), help: "Seconds between polls when no NOTIFY arrives.")
    var poll = Seconds(2)

    @Option(name: .customLong("shutdown-timeout"), help: "Seconds running jobs may take to finish on SIGTERM before they are handed back.")
    var shutdownTimeout = Seconds(30)

    @Option(name: .customLong("retry-base"), help: "Seconds before the first retry of a failed job (doubling per attempt, ±20 % jitter).")
    var retryBase = Seconds(15)

    @Option(name: .customLong("retry-max"), help: "Longest delay between attempts, in seconds.")
    var retryMax = Seconds(3600)

    @Option(name: .customLong("max-run-time"),
            help: "Longest run per kind, as KIND=SECONDS[,KIND=SECONDS…] (default: $HOLDFAST_WORKER_MAX_RUN_TIME; unset: no limit). A job past its kind's limit is cancelled and fails as retryable.")
    var maxRunTime: MaximumRunTimes?

    @Option(name: .customLong("drill-scratch-tenant"),
            help: "Holdfast id of an onboarded scratch tenant that validation jobs restore into as a drill (default: $HOLDFAST_DRILL_SCRATCH_TENANT; unset: the drill check is skipped).")
    var drillScratchTenant: String?

    /// `--drill-scratch-tenant`, else `HOLDFAST_DRILL_SCRATCH_TENANT`.
    private func scratchTenantID() throws -> UUID? {
        guard let text = drillScratchTenant ?? ProcessInfo.processInfo.environment["HOLDFAST_DRILL_SCRATCH_TENANT"], !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else {
            throw ValidationError("the drill's scratch tenant must be a Holdfast tenant id (a UUID, as `holdfast tenants list` shows; got '\(text)').")
        }
        return id
    }

    /// `--max-run-time`, else `HOLDFAST_WORKER_MAX_RUN_TIME`.
    private func maximumRunTimes() throws -> [JobKind: Duration] {
        if let maxRunTime { return maxRunTime.limits }
        guard let text = ProcessInfo.processInfo.environment["HOLDFAST_WORKER_MAX_RUN_TIME"], !text.isEmpty else { return [:] }
        guard let parsed = MaximumRunTimes(argument: text) else {
            throw ValidationError("HOLDFAST_WORKER_MAX_RUN_TIME must be KIND=SECONDS[,KIND=SECONDS…] with positive seconds (got '\(text)').")
        }
        return parsed.limits
    }

    func validate() throws {
        _ = try maximumRunTimes()
        _ = try scratchTenantID()
        guard (1...1000).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 1000 (got \(concurrency)).") }
        guard lease.duration >= .milliseconds(500) else { throw ValidationError("--lease must be at least 0.5 seconds.") }
        if let heartbeat, heartbeat.duration >= lease.duration * 2 / 3 {
            throw ValidationError("--heartbeat must be shorter than two thirds of --lease: a job whose lease was not renewed for two thirds of it is stopped (fenced).")
        }
    }

    func run() async throws {
        let logger = logging.makeLogger(label: "holdfast.worker")
        let metricsService = metrics.makeService(logger: logger)
        var poolConfiguration = database.configuration
        poolConfiguration.applicationName = "holdfast-worker"
        let client = PostgresClient(configuration: poolConfiguration, logger: logger)
        var handlers = HandlerRegistry()
        handlers.register(DiagnosticJobHandler())
        // Backups need the master key (to open credentials and data keys) and an HTTP client.
        var http: HTTPClient?
        // No master key means this worker runs no backups; a key that is set but unreadable or
        // malformed is an operator error and stops the worker with the reason.
        let ring: MasterKeyRing?
        do {
            ring = try MasterKeyRing(environment: ProcessInfo.processInfo.environment)
        } catch let error as EnvelopeError where error.code == .masterKeyMissing {
            ring = nil
        }
        if let ring {
            // Backups list children (owners, settings, …) of many parents at once (BackupRun's
            // childConcurrency, 64) besides the pages of the types they read side by side, to use
            // a tenant's throttling budget despite Graph's latency; over HTTP/1.1 each request in
            // flight needs its own connection.
            var httpConfiguration = HTTPClient.Configuration()
            httpConfiguration.maxConnectionsPerHost = 96
            let httpClient = try HTTPClient(configuration: httpConfiguration, logger: logger)
            http = httpClient
            let environment = ProcessInfo.processInfo.environment
            let graphConfiguration = GraphConfiguration(
                graphBaseURL: environment["HOLDFAST_GRAPH_BASE_URL"] ?? GraphCloud.global.graphBaseURL,
                loginBaseURL: environment["HOLDFAST_LOGIN_BASE_URL"] ?? GraphCloud.global.loginBaseURL)
            let graph = GraphClient(configuration: graphConfiguration, transport: httpClient,
                                    throttleStore: PostgresThrottleStateStore(client: client),
                                    appBudget: PostgresAppBudget(client: client), logger: logger)
            let credentials = TenantCredentialStore(client: client, keyRing: ring, logger: logger)
            let jobVault = try vault.makeVault(client: client, http: httpClient, logger: logger)
            let sessions = TenancyGraphSessionProvider(client: graph, credentials: credentials)
            handlers.register(BackupJobHandler(vault: jobVault, sessions: sessions, tenants: TenantRegistry(client: client, logger: logger),
                                               alerts: ChangeAlertEvaluator(vault: jobVault, logger: logger)))
            handlers.register(RestoreJobHandler(store: RestoreStore(client: client), sessions: sessions))
            handlers.register(RetentionJobHandler(vault: jobVault, policies: PolicyStore(client: client, logger: logger)))
            let drill = try scratchTenantID().map {
                ScratchTenantRestoreDrill(drill: RestoreDrill(vault: jobVault, store: RestoreStore(client: client), logger: logger),
                                          sessions: sessions, scratchTenantID: $0, tenants: TenantRegistry(client: client, logger: logger))
            }
            handlers.register(ValidationJobHandler(vault: jobVault, sessions: sessions, drill: drill))
        } else {
            logger.notice("no master key configured (HOLDFAST_MASTER_KEY_FILE): this worker does not run backups")
        }
        // Webhook events (SLA breaches and recoveries, change alerts) need only a URL and a secret.
        if let webhook = try WebhookConfiguration(environment: ProcessInfo.processInfo.environment) {
            let httpClient = try http ?? HTTPClient(logger: logger)
            http = httpClient
            handlers.register(WebhookJobHandler(configuration: webhook, http: httpClient))
        }
        let configuration = WorkerConfiguration(
            concurrency: concurrency,
            kinds: kinds.map { $0.split(separator: ",").map { JobKind(String($0).trimmingCharacters(in: .whitespaces)) } },
            lease: lease.duration,
            heartbeatInterval: heartbeat?.duration ?? lease.duration / 3,
            pollInterval: poll.duration,
            shutdownTimeout: shutdownTimeout.duration,
            retryPolicy: RetryPolicy(base: retryBase.duration, maximum: retryMax.duration),
            version: HoldfastVersion.current,
            maximumRunTimes: try maximumRunTimes()
        )
        let worker = WorkerService(client: client, handlers: handlers, configuration: configuration, logger: logger)
        var services: [any Service] = [worker]
        if let metricsService { services.append(metricsService) }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        // Past this, the group cancels what is still running (handlers are then cancelled too).
        groupConfiguration.maximumGracefulShutdownDuration = shutdownTimeout.duration + lease.duration
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            await http?.shutdown()
            await client.shutdown()
            throw error
        }
        await http?.shutdown()
        await client.shutdown()
    }
}
