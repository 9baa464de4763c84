public import Compliance
public import Logging
public import Migrations
public import Postgres
public import Prometheus
public import Tenancy
public import Vault
public import Queue
public import Jobs
public import Restore

/// What the API's routes use. Optional parts make their routes answer 503 `unavailable` when absent.
public struct APIServices: Sendable {
    public let client: PostgresClient
    public let configuration: APIConfiguration
    public let keys: APIKeyStore
    /// The migrations this build knows, for `/readyz`.
    public let migrations: [Migration]
    /// Reads snapshots and objects; nil without a master key.
    public let vault: Vault?
    /// Stores credentials given at onboarding; nil without a master key.
    public let credentials: TenantCredentialStore?
    /// Rendered at `/metrics`; nil: that route answers 503.
    public let metrics: PrometheusCollectorRegistry?
    /// Signs compliance reports served by the API; nil: reports are served unsigned.
    public let reportSigningKey: ReportSigningKey?
    /// Written into every report as its `generator` (the CLI passes its version).
    public let reportGenerator: String
    /// Opens Graph sessions for live diffs and restore plans; nil without a master key (503).
    public let graphSessions: (any GraphSessionProvider)?
    /// Signs in, probes permissions and activates tenants (`POST /v1/tenants` with a credential,
    /// `/reprobe`); nil without a master key (503).
    public let onboarding: TenantOnboarding?
    /// Blast-radius limit and pacing for plans made through the API.
    public let restoreConfiguration: RestoreConfiguration
    public let logger: Logger
    /// Per-key budget of expensive calls.
    let rateLimiter: APIRateLimiter
    /// `/readyz`'s shared, rate-bounded check.
    let readiness: ReadinessCheck

    /// - Parameter keyHasher: checks API keys (derived from the master key); nil: no master key,
    ///   so every route that needs a key answers 503 `unavailable`.
    public init(client: PostgresClient, configuration: APIConfiguration = APIConfiguration(), migrations: [Migration],
                keyHasher: APIKeyHasher?,
                vault: Vault?, credentials: TenantCredentialStore?, metrics: PrometheusCollectorRegistry?,
                reportSigningKey: ReportSigningKey? = nil, reportGenerator: String = "holdfast api", graphSessions: (any GraphSessionProvider)? = nil, onboarding: TenantOnboarding? = nil,
                restoreConfiguration: RestoreConfiguration = RestoreConfiguration(), logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.keys = APIKeyStore(client: client, hasher: keyHasher, acceptsLegacyHashes: configuration.acceptsLegacyKeyHashes,
                                lastUseInterval: configuration.lastUseInterval, logger: logger)
        self.rateLimiter = APIRateLimiter(burst: configuration.expensiveRequestBurst, perMinute: configuration.expensiveRequestsPerMinute)
        self.readiness = ReadinessCheck(runner: MigrationRunner(client: client, migrations: migrations, logger: logger),
                                        interval: configuration.readinessInterval)
        self.migrations = migrations
        self.vault = vault
        self.credentials = credentials
        self.metrics = metrics
        self.reportSigningKey = reportSigningKey
        self.reportGenerator = reportGenerator
        self.graphSessions = graphSessions
        self.onboarding = onboarding
        self.restoreConfiguration = restoreConfiguration
        self.logger = logger
    }

    public var tenants: TenantRegistry { TenantRegistry(client: client, logger: logger) }
    public var jobs: JobAdministrator { JobAdministrator(client: client, logger: logger) }
    public var enqueuer: JobEnqueuer { JobEnqueuer(client: client, logger: logger) }
    public var workers: WorkerRegistry { WorkerRegistry(client: client, logger: logger) }
    public var policies: PolicyStore { PolicyStore(client: client, logger: logger) }
    public var sla: SLAEvaluator { SLAEvaluator(client: client, logger: logger) }
    public var reports: ComplianceReportBuilder { ComplianceReportBuilder(client: client, generator: reportGenerator, logger: logger) }

    func requireVault() throws -> Vault {
        guard let vault else {
            throw APIError(.unavailable, "this coordinator has no master key, so it cannot read snapshots; set HOLDFAST_MASTER_KEY_FILE")
        }
        return vault
    }

    func requireOnboarding() throws -> TenantOnboarding {
        guard let onboarding else {
            throw APIError(.unavailable, "this coordinator has no master key, so it cannot sign in to tenants or store credentials; set HOLDFAST_MASTER_KEY_FILE")
        }
        return onboarding
    }

    func requireGraphSessions() throws -> any GraphSessionProvider {
        guard let graphSessions else {
            throw APIError(.unavailable, "this coordinator has no master key, so it cannot reach tenants through Graph; set HOLDFAST_MASTER_KEY_FILE")
        }
        return graphSessions
    }
}
