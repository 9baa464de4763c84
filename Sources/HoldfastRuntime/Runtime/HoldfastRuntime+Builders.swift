public import API
import Compliance
public import Console
public import Coordinator
import Foundation
import Hummingbird
import Jobs
import Metrics
public import Migrations
import NIOCore
public import Prometheus
public import Queue
import Restore
public import ServiceLifecycle
import Tenancy
import Vault
public import Worker

/// The version written into reports and worker rows; the CLI prints the same.
public enum HoldfastVersion {
    public static let current = "0.1.0"
}

extension HoldfastRuntime {
    // MARK: - Worker

    /// Every job handler this process can run. Without a master key there are no backup,
    /// restore, retention or validation handlers (logged); a webhook URL adds the webhook kind.
    public func handlerRegistry() throws -> HandlerRegistry {
        var handlers = HandlerRegistry()
        handlers.register(DiagnosticJobHandler())
        if try optionalKeyRing() != nil {
            let vault = try vault()
            let sessions = try graphSessions()
            handlers.register(BackupJobHandler(vault: vault, sessions: sessions, tenants: TenantRegistry(client: postgres, logger: logger),
                                               alerts: ChangeAlertEvaluator(vault: vault, enqueueChecks: .holdfast, logger: logger)))
            handlers.register(RestoreJobHandler(store: RestoreStore(vault: vault), sessions: sessions))
            handlers.register(RetentionJobHandler(vault: vault, policies: PolicyStore(client: postgres, logger: logger)))
            let drill = configuration.worker.drillScratchTenant.map {
                ScratchTenantRestoreDrill(drill: RestoreDrill(vault: vault, store: RestoreStore(vault: vault), logger: logger),
                                          sessions: sessions, scratchTenantID: $0, tenants: TenantRegistry(client: postgres, logger: logger))
            }
            handlers.register(ValidationJobHandler(vault: vault, sessions: sessions, drill: drill))
        } else {
            logger.notice("no master key configured (HOLDFAST_MASTER_KEY_FILE): this worker does not run backups")
        }
        if let webhook = try webhook() {
            let opener = try optionalKeyRing() != nil ? SealedWebhookPayloads(sealer: RecordSealer(keyProvider: try vault().keyProvider)) : nil
            handlers.register(WebhookJobHandler(configuration: webhook, http: try http(), opener: opener))
        }
        return handlers
    }

    /// The worker service over ``handlerRegistry()``, configured by `configuration.worker`.
    public func buildWorker() throws -> WorkerService {
        let settings = configuration.worker
        let configuration = WorkerConfiguration(
            concurrency: settings.concurrency, kinds: settings.kinds, lease: settings.lease, heartbeatInterval: settings.heartbeat,
            pollInterval: settings.poll, shutdownTimeout: settings.shutdownTimeout,
            retryPolicy: RetryPolicy(base: settings.retryBase, maximum: settings.retryMax), version: HoldfastVersion.current,
            maximumRunTimes: settings.maximumRunTimes, interactiveSlots: settings.interactiveSlots)
        return WorkerService(client: postgres, handlers: try handlerRegistry(), configuration: configuration, logger: logger)
    }

    // MARK: - Coordinator

    /// What only the elected leader runs besides queue upkeep: Tenancy's tenant scheduler, SLA
    /// evaluation, scheduled reports and the credential expiry check (one warning per credential,
    /// however many coordinators).
    /// The per-tenant gauges (newest snapshot, credential expiry, tenants per SLA state) are fed by
    /// the SLA and credential rounds.
    public func leaderTasks() throws -> [any MaintenanceTask] {
        let settings = configuration.compliance
        let tenantMetrics = TenantHealthMetrics()
        var tasks: [any MaintenanceTask] = [
            TenantScheduler(client: postgres, interval: configuration.coordinator.scheduleInterval, enqueueChecks: .holdfast, logger: logger),
        ]
        if settings.slaInterval > .zero {
            let evaluator = SLAEvaluator(client: postgres, configuration: .init(sendsWebhooks: configuration.webhook != nil), enqueueChecks: .holdfast, logger: logger)
            tasks.append(SLAEvaluationTask(evaluator: evaluator, interval: settings.slaInterval, observer: tenantMetrics))
        }
        if let directory = settings.reportDirectory {
            let key = try reportSigningKey()
            if key == nil {
                logger.warning("scheduled compliance reports are written unsigned: no HOLDFAST_REPORT_SIGNING_KEY_FILE")
            }
            tasks.append(ScheduledReportTask(
                builder: ComplianceReportBuilder(client: postgres, generator: "holdfast \(HoldfastVersion.current)", logger: logger),
                configuration: ScheduledReportTask.Configuration(directory: directory, partners: settings.reportPartners,
                                                                 period: settings.reportPeriod, formats: settings.reportFormats),
                signingKey: key, logger: logger))
        }
        tasks.append(CredentialExpiryTask(check: CredentialExpiryCheck(
            client: postgres, window: configuration.coordinator.credentialWarning,
            interval: configuration.coordinator.credentialCheckInterval, logger: logger), onRound: tenantMetrics.credentialsChecked))
        return tasks
    }

    /// The coordinator service (election, queue upkeep) with ``leaderTasks()`` (scheduling among them).
    public func buildCoordinator() throws -> CoordinatorService {
        let settings = configuration.coordinator
        let configuration = CoordinatorConfiguration(
            leaderLease: settings.leaderLease, rescueInterval: settings.rescueInterval, promoteInterval: settings.promoteInterval,
            pruneInterval: settings.pruneInterval, retention: settings.jobRetention)
        return CoordinatorService(client: postgres, configuration: configuration, leaderTasks: try leaderTasks(), logger: logger)
    }

    // MARK: - API

    /// The API's services: API keys hashed under the master key, the vault over the configured
    /// blob store (S3 included), Graph sessions and onboarding through the one Graph client.
    /// Without a master key the API serves only `/healthz` and `/readyz` (keys are keyed by it);
    /// a master key that is set but unusable throws.
    public func apiServices(metrics: PrometheusCollectorRegistry?) throws -> APIServices {
        guard let listen = configuration.api.listen else {
            throw ConfigurationError(.missing, "the API needs \(ConfigurationKey.apiListen.name) (--api-listen)")
        }
        let ring = try optionalKeyRing()
        if ring == nil {
            logger.warning("API: no master key, so every route that needs an API key answers 503 (keys are hashed under the master key)")
        }
        let signingKey = try reportSigningKey()
        if signingKey == nil {
            logger.notice("API: compliance reports are served unsigned: no HOLDFAST_REPORT_SIGNING_KEY_FILE")
        }
        let settings = configuration.api
        let apiConfiguration = APIConfiguration(
            host: listen.host, port: listen.port, maxBodyBytes: settings.maxBodyBytes,
            tls: settings.tls.map { APITLSConfiguration(certificateChainPath: $0.certificate, privateKeyPath: $0.key) },
            requestTimeout: settings.requestTimeout, idleTimeout: settings.idleTimeout,
            expensiveRequestBurst: settings.expensivePerMinute, expensiveRequestsPerMinute: settings.expensivePerMinute,
            acceptsLegacyKeyHashes: settings.acceptsLegacyKeyHashes)
        let hasKey = ring != nil
        return APIServices(
            client: postgres, configuration: apiConfiguration, migrations: try self.migrations(),
            keyHasher: ring.map { APIKeyHasher(keyRing: $0) },
            vault: hasKey ? try vault() : nil, credentials: hasKey ? try credentials() : nil, metrics: metrics,
            reportSigningKey: signingKey, reportGenerator: "holdfast \(HoldfastVersion.current) api",
            graphSessions: hasKey ? try graphSessions() : nil, onboarding: hasKey ? try onboarding() : nil, enqueueChecks: .holdfast, logger: logger)
    }

    /// The API server on a runtime of its own (``childRuntime(poolSize:applicationName:)``), or nil
    /// when `HOLDFAST_API_LISTEN` is unset.
    public func buildAPI(metrics: PrometheusCollectorRegistry?) throws -> (any Service)? {
        guard let listen = configuration.api.listen else { return nil }
        let api = childRuntime(poolSize: configuration.api.poolSize, applicationName: "holdfast-api")
        let services = try api.apiServices(metrics: metrics)
        var mounts: [any APIRouterMount] = []
        if let settings = configuration.api.console {
            mounts.append(try OperatorConsole(services: services, configuration: consoleConfiguration(settings)))
            logger.info("console served", metadata: ["api.address": "\(listen.host):\(listen.port)", "console.origin": "\(settings.origin ?? "request host")"])
        }
        logger.info("API listening", metadata: ["api.address": "\(listen.host):\(listen.port)", "api.tls": "\(configuration.api.tls != nil)"])
        return try APIServer(services: services, mounts: mounts).makeApplication()
    }

    /// The console's settings from the configuration (lockout and password cost keep their documented
    /// defaults). With the API's own TLS the session cookie is `Secure` whatever the origin says.
    func consoleConfiguration(_ settings: HoldfastConfiguration.ConsoleSettings) -> ConsoleConfiguration {
        ConsoleConfiguration(origin: settings.origin, servesTLS: configuration.api.tls != nil, idleTimeout: settings.idleTimeout,
                             absoluteTimeout: settings.sessionLifetime)
    }

    /// Console users (`holdfast users`), over the process's database pool.
    public func consoleUsers() -> ConsoleUserStore {
        ConsoleUserStore(client: postgres, logger: logger)
    }

    // MARK: - Metrics

    /// The process's Prometheus registry, bootstrapped into swift-metrics on first use (swift-metrics
    /// allows one bootstrap per process).
    public static var metricsRegistry: PrometheusCollectorRegistry { processMetrics }

    private static let processMetrics: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Job durations run from seconds to hours: the default buckets stop at 10 s.
        factory.durationHistogramBuckets = WorkerMetrics.histogramBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// The `/metrics` and `/health` endpoint over `registry`, or nil when no metrics port is set.
    public func buildMetricsEndpoint(registry: PrometheusCollectorRegistry) -> (any Service)? {
        guard let port = configuration.metrics.port else { return nil }
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: ResponseBody(byteBuffer: buffer))
        }
        router.get("health") { _, _ in "ok" }
        return Application(router: router, configuration: ApplicationConfiguration(address: .hostname(configuration.metrics.host, port: port)),
                           logger: logger)
    }
}

extension HoldfastRuntime {
    /// The SQL migrations this build applies, from the configured directory, else the installed
    /// or checkout one.
    public func migrations() throws -> [Migration] {
        try MigrationDirectory.load(from: try MigrationDirectory.locate(explicit: configuration.migrationsDirectory))
    }
}
