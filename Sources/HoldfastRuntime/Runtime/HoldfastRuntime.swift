public import Compliance
public import Cryptography
import Foundation
public import Graph
public import HTTP
public import Jobs
public import Logging
import NIOConcurrencyHelpers
public import Postgres
public import Queue
public import ServiceLifecycle
public import Tenancy
public import Restore
public import Vault

/// The composition root: builds each long-lived component of a process once, from one
/// ``HoldfastConfiguration``, and hands it to whoever needs it.
///
/// The PostgreSQL pool is made at once; the HTTP client, the Graph client (with its throttle store
/// and the shared app budget), the master key ring and the vault over the configured blob store are
/// made on first use and then shared. A long-running process builds what it needs (``buildWorker()``,
/// ``buildCoordinator()``, ``buildAPI(metrics:)``) and runs it with ``run(_:gracefulShutdown:)``,
/// whose `ServiceGroup` owns the pool's and the HTTP client's shutdown; a short command uses
/// ``withRuntime(_:logger:applicationName:_:)``, which shuts them down when the command returns.
public final class HoldfastRuntime: Sendable {
    public let configuration: HoldfastConfiguration
    public let logger: Logger
    public let postgres: PostgresClient

    private struct Built {
        var http: HTTPClient?
        var keyRing: MasterKeyRing?
        var graph: GraphClient?
        var vault: Vault?
        /// Runtimes of this process's parts that need their own pool (the API), stopped with this one.
        var children: [HoldfastRuntime] = []
        /// Set once the services are handed to a group: a client made later would have no owner.
        var sealed = false
    }

    private let built = NIOLockedValueBox(Built())

    /// `applicationName` is what PostgreSQL shows in `pg_stat_activity` (`holdfast-worker`).
    public init(configuration: HoldfastConfiguration, logger: Logger, applicationName: String = "holdfast") {
        self.configuration = configuration
        self.logger = logger
        var database = PostgresConfiguration(connectionString: configuration.database.url, maxConnections: configuration.database.poolSize)
        database.applicationName = applicationName
        self.postgres = PostgresClient(configuration: database, logger: logger)
    }

    /// Runs `body` with a runtime for a short command, then shuts down what it built.
    public static func withRuntime<T: Sendable>(
        _ configuration: HoldfastConfiguration, logger: Logger, applicationName: String = "holdfast-cli",
        _ body: (HoldfastRuntime) async throws -> T
    ) async throws -> T {
        let runtime = HoldfastRuntime(configuration: configuration, logger: logger, applicationName: applicationName)
        do {
            let value = try await body(runtime)
            await runtime.shutdown()
            return value
        } catch {
            await runtime.shutdown()
            throw error
        }
    }

    /// Shuts down the HTTP client and the pool, for runtimes not run by a `ServiceGroup`.
    public func shutdown() async {
        let (http, children) = built.withLockedValue { built -> (HTTPClient?, [HoldfastRuntime]) in
            built.sealed = true
            return (built.http, built.children)
        }
        for child in children { await child.shutdown() }
        await http?.shutdown()
        await postgres.shutdown()
    }

    /// A runtime over the same configuration with a pool of `poolSize` connections of its own (and
    /// its own HTTP and Graph clients), run and shut down with this one. The API uses one, so
    /// however busy it is, the leader keeps the connections it renews its lease with.
    public func childRuntime(poolSize: Int, applicationName: String) -> HoldfastRuntime {
        var configuration = self.configuration
        configuration.database.poolSize = poolSize
        let child = HoldfastRuntime(configuration: configuration, logger: logger, applicationName: applicationName)
        built.withLockedValue { built in
            precondition(!built.sealed, "a child runtime is made after the services were handed to their group")
            built.children.append(child)
        }
        return child
    }

    // MARK: - Components

    /// The process's one HTTP client, for Graph, S3 and webhooks.
    public func http() throws -> HTTPClient {
        try built.withLockedValue { built in
            if let http = built.http { return http }
            precondition(!built.sealed, "the HTTP client is first needed after the services were handed to their group")
            // Backups list children of many parents at once (BackupRun's childConcurrency, 64)
            // besides the pages they read side by side; over HTTP/1.1 each request in flight needs
            // its own connection.
            var configuration = HTTPClient.Configuration()
            configuration.maxConnectionsPerHost = 96
            let http = try HTTPClient(configuration: configuration, logger: logger)
            built.http = http
            return http
        }
    }

    /// The master key ring; nil when no master key is configured. A key that is configured but
    /// unreadable, too open or malformed throws.
    public func optionalKeyRing() throws -> MasterKeyRing? {
        guard configuration.masterKeys.current != nil else { return nil }
        return try keyRing()
    }

    /// The master key ring; throws when none is configured.
    public func keyRing() throws -> MasterKeyRing {
        try built.withLockedValue { built in
            if let ring = built.keyRing { return ring }
            let ring = try configuration.masterKeys.ring()
            built.keyRing = ring
            return ring
        }
    }

    /// The one Graph client: base URLs from the configuration, throttle state and the shared
    /// app's budget in PostgreSQL, so every Graph request of every command draws from both.
    public func graphClient() throws -> GraphClient {
        let http = try self.http()
        return built.withLockedValue { built in
            if let graph = built.graph { return graph }
            let graph = GraphClient(configuration: GraphConfiguration(graphBaseURL: configuration.graph.graphBaseURL,
                                                                      loginBaseURL: configuration.graph.loginBaseURL),
                                    transport: http, throttleStore: PostgresThrottleStateStore(client: postgres),
                                    appBudget: PostgresAppBudget(client: postgres), logger: logger)
            built.graph = graph
            return graph
        }
    }

    /// The queue's enqueuer with every check Holdfast's kinds declare: arguments decoded by their
    /// kind's type, and the tenant admitted (it exists and is not suspended or offboarded).
    public func enqueuer() -> JobEnqueuer {
        JobEnqueuer(client: postgres, logger: logger, checks: .holdfast)
    }

    /// Stored tenant credentials, opened with the master key.
    public func credentials() throws -> TenantCredentialStore {
        TenantCredentialStore(client: postgres, keyRing: try keyRing(), logger: logger)
    }

    /// Graph sessions for registered tenants, through ``graphClient()``.
    public func graphSessions() throws -> any GraphSessionProvider {
        TenancyGraphSessionProvider(client: try graphClient(), credentials: try credentials())
    }

    /// Onboarding (sign-in, permission probe, activation) through ``graphClient()``.
    public func onboarding() throws -> TenantOnboarding {
        TenantOnboarding(client: postgres, keyRing: try keyRing(), graph: try graphClient(), logger: logger)
    }

    /// The configured blob store: S3, a directory, or PostgreSQL.
    public func blobStore() throws -> any BlobStore {
        switch configuration.blobStore {
        case .postgres:
            return PostgresBlobStore(client: postgres)
        case .directory(let path, let minimumFreeBytes):
            return FileBlobStore(root: URL(fileURLWithPath: path), minimumFreeBytes: minimumFreeBytes)
        case .s3(let settings):
            return S3BlobStore(configuration: try settings.resolved(), http: try http(),
                               immutability: PolicyImmutabilityWindowProvider(client: postgres), logger: logger)
        }
    }

    /// The one vault, over ``blobStore()``; needs the master key.
    public func vault() throws -> Vault {
        let ring = try keyRing()
        if let vault = built.withLockedValue({ $0.vault }) { return vault }
        let store = try blobStore()
        return built.withLockedValue { built in
            if let vault = built.vault { return vault }
            let vault = Vault(client: postgres, blobStore: store,
                              keyProvider: TenancyVaultKeyProvider(client: postgres, dataKeys: TenantDataKeyStore(keyRing: ring)), logger: logger)
            built.vault = vault
            return vault
        }
    }

    /// Restore plans and steps, sealed with the vault's tenant keys; needs the master key.
    public func restoreStore() throws -> RestoreStore {
        RestoreStore(vault: try vault())
    }

    /// The key that signs compliance reports; nil when none is configured.
    public func reportSigningKey() throws -> ReportSigningKey? {
        try configuration.compliance.signingKeyFile.map { try ReportSigningKey(pemFile: $0) }
    }

    /// Webhook delivery settings, with the secret read; nil when no webhook is configured.
    public func webhook() throws -> WebhookConfiguration? {
        guard let webhook = configuration.webhook else { return nil }
        let secret = try webhook.secret.read()
        guard secret.utf8.count >= 16 else {
            throw ConfigurationError(.invalid, [ConfigurationProblem(key: ConfigurationKey.webhookSecretFile.name, source: nil,
                                                                     "the webhook secret must be at least 16 bytes")])
        }
        return WebhookConfiguration(url: webhook.url, secret: Array(secret.utf8), timeout: webhook.timeout)
    }

    // MARK: - Running

    /// The services whose shutdown the group owns, first in the group so they stop last: the
    /// pool, and the HTTP client when anything built one.
    func lifecycleServices() -> [any Service] {
        let (http, children) = built.withLockedValue { built -> (HTTPClient?, [HoldfastRuntime]) in
            built.sealed = true
            return (built.http, built.children)
        }
        return [postgres] + (http.map { [$0] } ?? []) + children.flatMap { $0.lifecycleServices() }
    }

    /// Runs `services` with the pool and the HTTP client in one `ServiceGroup` until SIGTERM or
    /// SIGINT. Past `gracefulShutdown` the group cancels what is still running.
    public func run(_ services: [any Service], gracefulShutdown: Duration) async throws {
        let all = lifecycleServices() + services
        var group = ServiceGroupConfiguration(
            services: all.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        group.maximumGracefulShutdownDuration = gracefulShutdown
        try await ServiceGroup(configuration: group).run()
    }
}
