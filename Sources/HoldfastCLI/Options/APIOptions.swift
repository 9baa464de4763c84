import API
import ArgumentParser
import Compliance
import Cryptography
import Foundation
import Graph
import HTTP
import Jobs
import Logging
import Migrations
import Postgres
import Prometheus
import ServiceLifecycle
import Tenancy
import Vault

/// `--api-listen` and the API's limits, for `holdfast coordinator`.
struct APIOptions: ParsableArguments {
    @Option(name: .customLong("api-listen"),
            help: ArgumentHelp("Serve the HTTP API on HOST:PORT (e.g. 127.0.0.1:8080).",
                               discussion: "Default: $HOLDFAST_API_LISTEN; unset: no API. See docs/api.md."))
    var listen: String?

    @Option(name: .customLong("api-max-body-bytes"), help: "Largest request body the API accepts.")
    var maxBodyBytes = APIConfiguration.defaultMaxBodyBytes

    @Option(name: .customLong("api-tls-certificate"), help: "Serve HTTPS with this PEM certificate chain (with --api-tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("api-tls-key"), help: "The PEM private key of --api-tls-certificate.")
    var tlsKey: String?

    @Option(name: .customLong("api-pool-size"),
            help: "PostgreSQL connections the API may use, in a pool of its own: however busy the API, the leader keeps its connections.")
    var poolSize = 5

    @Option(name: .customLong("api-request-timeout"), help: "Seconds after which an API request is stopped (503 request_timeout).")
    var requestTimeout = Seconds(120)

    @Option(name: .customLong("api-idle-timeout"), help: "Seconds after which an idle API connection is closed.")
    var idleTimeout = Seconds(30)

    @Option(name: .customLong("api-expensive-per-minute"),
            help: "Expensive calls (reports, diffs, histories, plans, SLA history) one key may make per minute (429 beyond).")
    var expensivePerMinute = 20

    @Flag(name: .customLong("api-accept-legacy-key-hashes"),
          help: "Accept API keys created before keyed hashes, re-hashing each on its first use (docs/api.md, Upgrading API keys).")
    var acceptsLegacyKeyHashes = false

    var listenAddress: String? {
        listen ?? ProcessInfo.processInfo.environment["HOLDFAST_API_LISTEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if let listenAddress, APIConfiguration.parseListenAddress(listenAddress) == nil {
            throw ValidationError("--api-listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got '\(listenAddress)').")
        }
        guard (1024...(64 * 1024 * 1024)).contains(maxBodyBytes) else {
            throw ValidationError("--api-max-body-bytes must be between 1024 and 67108864 (got \(maxBodyBytes)).")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--api-tls-certificate and --api-tls-key go together.")
        }
        guard (1...100).contains(poolSize) else { throw ValidationError("--api-pool-size must be between 1 and 100 (got \(poolSize)).") }
        guard requestTimeout.duration >= .seconds(1), idleTimeout.duration >= .seconds(1) else {
            throw ValidationError("--api-request-timeout and --api-idle-timeout must be at least 1 second.")
        }
        guard (1...100_000).contains(expensivePerMinute) else {
            throw ValidationError("--api-expensive-per-minute must be between 1 and 100000 (got \(expensivePerMinute)).")
        }
    }

    /// The API server as a service, or nil when no address is configured. Without a master key
    /// the API serves only `/healthz` and `/readyz`: API keys are keyed by it.
    /// Compliance reports are signed with `reportSigningKey` (the coordinator's `--report-signing-key`).
    ///
    /// The API gets a connection pool of its own (`--api-pool-size`), built from `leaderClient`'s
    /// configuration: API load can fill only that pool, never the one the leader renews its lease with.
    func makeService(client leaderClient: PostgresClient, metrics: PrometheusCollectorRegistry?, reportSigningKey: ReportSigningKey?,
                     logger: Logger) async throws -> (any Service)? {
        guard let listenAddress, let (host, port) = APIConfiguration.parseListenAddress(listenAddress) else { return nil }
        let migrations = try MigrationDirectory.load(from: try MigrationDirectory.locate())
        var poolConfiguration = leaderClient.configuration
        poolConfiguration.maxConnections = poolSize
        poolConfiguration.applicationName = "holdfast-api"
        let client = PostgresClient(configuration: poolConfiguration, logger: logger)
        var keyHasher: APIKeyHasher?
        var vault: Vault?
        var credentials: TenantCredentialStore?
        var graphSessions: (any GraphSessionProvider)?
        var onboarding: TenantOnboarding?
        var http: HTTPClient?
        do {
            let ring = try MasterKeyRing(environment: ProcessInfo.processInfo.environment)
            keyHasher = APIKeyHasher(keyRing: ring)
            let directory = ProcessInfo.processInfo.environment["HOLDFAST_BLOB_DIR"]
            let store: any BlobStore = directory.map { FileBlobStore(root: URL(fileURLWithPath: $0)) } ?? PostgresBlobStore(client: client)
            vault = Vault(client: client, blobStore: store,
                          keyProvider: TenancyVaultKeyProvider(client: client, dataKeys: TenantDataKeyStore(keyRing: ring)), logger: logger)
            credentials = TenantCredentialStore(client: client, keyRing: ring, logger: logger)
            // Live diffs, restore plans and onboarding reach tenants through Graph.
            let transport = try HTTPClient(logger: logger)
            http = transport
            let graph = GraphClient(configuration: GraphEnvironment.configuration, transport: transport,
                                    throttleStore: PostgresThrottleStateStore(client: client),
                                    appBudget: PostgresAppBudget(client: client), logger: logger)
            graphSessions = TenancyGraphSessionProvider(client: graph, credentials: TenantCredentialStore(client: client, keyRing: ring, logger: logger))
            onboarding = TenantOnboarding(client: client, keyRing: ring, graph: graph, logger: logger)
        } catch {
            logger.warning("API: no usable master key, so every route that needs an API key answers 503 (keys are keyed by the master key)",
                          metadata: ["error": "\(error)"])
        }
        var tls: APITLSConfiguration?
        if let tlsCertificate, let tlsKey { tls = APITLSConfiguration(certificateChainPath: tlsCertificate, privateKeyPath: tlsKey) }
        let configuration = APIConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes, tls: tls,
                                             requestTimeout: requestTimeout.duration, idleTimeout: idleTimeout.duration,
                                             expensiveRequestBurst: expensivePerMinute, expensiveRequestsPerMinute: expensivePerMinute,
                                             acceptsLegacyKeyHashes: acceptsLegacyKeyHashes)
        let services = APIServices(client: client, configuration: configuration, migrations: migrations, keyHasher: keyHasher, vault: vault,
                                   credentials: credentials, metrics: metrics, reportSigningKey: reportSigningKey,
                                   reportGenerator: "holdfast \(HoldfastVersion.current) api", graphSessions: graphSessions,
                                   onboarding: onboarding, logger: logger)
        if reportSigningKey == nil {
            logger.notice("API: compliance reports are served unsigned: no HOLDFAST_REPORT_SIGNING_KEY_FILE")
        }
        logger.info("API listening", metadata: ["api.address": "\(host):\(port)", "api.tls": "\(tls != nil)"])
        let application: any Service
        do {
            application = try APIServer(services: services).makeApplication()
        } catch {
            await http?.shutdown()
            await client.shutdown()
            throw error
        }
        return APIWithResources(application: application, http: http, client: client)
    }
}

/// The API server with the resources only it uses (its connection pool, the HTTP client of its
/// Graph sessions), shut down when the server stops.
private struct APIWithResources: Service {
    let application: any Service
    let http: HTTPClient?
    let client: PostgresClient

    func run() async throws {
        do {
            try await application.run()
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    private func shutdown() async {
        await http?.shutdown()
        await client.shutdown()
    }
}
