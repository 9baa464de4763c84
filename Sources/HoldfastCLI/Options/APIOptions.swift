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
    }

    /// The API server as a service, or nil when no address is configured. Without a master key
    /// the API still serves everything but snapshot and object reads and credential storage.
    /// Compliance reports are signed with `reportSigningKey` (the coordinator's `--report-signing-key`).
    func makeService(client: PostgresClient, metrics: PrometheusCollectorRegistry?, reportSigningKey: ReportSigningKey?,
                     logger: Logger) throws -> (any Service)? {
        guard let listenAddress, let (host, port) = APIConfiguration.parseListenAddress(listenAddress) else { return nil }
        let migrations = try MigrationDirectory.load(from: try MigrationDirectory.locate())
        var vault: Vault?
        var credentials: TenantCredentialStore?
        var graphSessions: (any GraphSessionProvider)?
        var onboarding: TenantOnboarding?
        var http: HTTPClient?
        do {
            let ring = try MasterKeyRing(environment: ProcessInfo.processInfo.environment)
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
            logger.notice("API: no usable master key, so snapshot reads, live diffs, restores and onboarding with a credential answer 503",
                          metadata: ["error": "\(error)"])
        }
        let configuration = APIConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes)
        let services = APIServices(client: client, configuration: configuration, migrations: migrations, vault: vault,
                                   credentials: credentials, metrics: metrics, reportSigningKey: reportSigningKey,
                                   reportGenerator: "holdfast \(HoldfastVersion.current) api", graphSessions: graphSessions,
                                   onboarding: onboarding, logger: logger)
        if reportSigningKey == nil {
            logger.notice("API: compliance reports are served unsigned: no HOLDFAST_REPORT_SIGNING_KEY_FILE")
        }
        logger.info("API listening", metadata: ["api.address": "\(host):\(port)"])
        let application = APIServer(services: services).makeApplication()
        guard let http else { return application }
        return APIWithGraphService(application: application, http: http)
    }
}

/// The API server and the HTTP client its Graph sessions use, shut down when the server stops.
private struct APIWithGraphService: Service {
    let application: any Service
    let http: HTTPClient

    func run() async throws {
        do {
            try await application.run()
        } catch {
            await http.shutdown()
            throw error
        }
        await http.shutdown()
    }
}
