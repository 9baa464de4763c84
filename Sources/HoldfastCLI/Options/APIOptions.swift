import API
import ArgumentParser
import Compliance
import Cryptography
import Foundation
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
        do {
            let ring = try MasterKeyRing(environment: ProcessInfo.processInfo.environment)
            let directory = ProcessInfo.processInfo.environment["HOLDFAST_BLOB_DIR"]
            let store: any BlobStore = directory.map { FileBlobStore(root: URL(fileURLWithPath: $0)) } ?? PostgresBlobStore(client: client)
            vault = Vault(client: client, blobStore: store,
                          keyProvider: TenancyVaultKeyProvider(client: client, dataKeys: TenantDataKeyStore(keyRing: ring)), logger: logger)
            credentials = TenantCredentialStore(client: client, keyRing: ring, logger: logger)
        } catch {
            logger.notice("API: no usable master key, so snapshot reads and credential storage answer 503", metadata: ["error": "\(error)"])
        }
        let configuration = APIConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes)
        let services = APIServices(client: client, configuration: configuration, migrations: migrations, vault: vault,
                                   credentials: credentials, metrics: metrics, reportSigningKey: reportSigningKey,
                                   reportGenerator: "holdfast \(HoldfastVersion.current) api", logger: logger)
        if reportSigningKey == nil {
            logger.notice("API: compliance reports are served unsigned: no HOLDFAST_REPORT_SIGNING_KEY_FILE")
        }
        logger.info("API listening", metadata: ["api.address": "\(host):\(port)"])
        return APIServer(services: services).makeApplication()
    }
}
