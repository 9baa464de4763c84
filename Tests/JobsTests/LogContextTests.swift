import Cryptography
import Foundation
import Graph
import GraphSim
import GraphSimTesting
import HTTP
import HoldfastTesting
import Jobs
import Logging
import Postgres
import Queue
import Restore
import Tenancy
import Testing
import Vault

/// Every Graph request and SQL statement a job causes logs with the job's context, so an
/// operator can follow one job through the logs.
@Suite("Log lines carry their cause")
struct LogContextTests {
    /// Lines written by the PostgreSQL client, the HTTP client or the Graph client.
    static func isGraphOrSQL(_ record: LogCapture.Record) -> Bool {
        record.message.hasPrefix("PostgreSQL") || record.message.hasPrefix("HTTP request") || record.message.hasPrefix("Graph")
            || record.message.contains("token")
    }

    @Test("a backup job's Graph and SQL lines all name the job, its kind and Holdfast's tenant id")
    func backupJob() async throws {
        let capture = LogCapture()
        // The process-wide components log to "process": a line there was not given the caller's logger.
        let process = capture.logger(label: "process")
        try await TestDatabase.withIsolatedSchema(logger: process) { schema in
            let simulator = try GraphSimulator(
                configuration: .init(host: "127.0.0.1", port: 0, tenants: [TenantSpecification(name: "contoso", profile: .small, seed: 5)],
                                     requestLogCapacity: 100, signingKey: BackupHarness.signingKey),
                logger: TestLogger.make())
            let http = try HTTPClient(configuration: .init(), logger: process)
            do {
                let fixture = try await simulator.makeFixture(tenant: "contoso", permissions: ResourceCatalogue.requiredPermissions)
                let graph = GraphClient(configuration: GraphConfiguration(graphBaseURL: fixture.baseURL + "/v1.0", loginBaseURL: fixture.baseURL),
                                        transport: http, throttleStore: PostgresThrottleStateStore(client: schema.client), logger: process)
                let keyRing = MasterKeyRing(current: MasterKey.generate())
                let registry = TenantRegistry(client: schema.client, logger: process)
                let tenant = try await registry.addTenant(
                    NewTenant(entraTenantID: UUID(uuidString: fixture.tenant.id)!, primaryDomain: fixture.tenant.initialDomain,
                              displayName: "Contoso"), actor: "test")
                let credentials = TenantCredentialStore(client: schema.client, keyRing: keyRing, logger: process)
                try await credentials.store(NewTenantCredential(appKind: .tenantApp, clientID: UUID(uuidString: fixture.application.clientId)!,
                                                                material: .clientSecret(SecretBytes(copying: Array(fixture.secret.value.utf8)))),
                                            tenantID: tenant.id, actor: "test")
                let vault = Vault(client: schema.client, blobStore: PostgresBlobStore(client: schema.client),
                                  keyProvider: TenancyVaultKeyProvider(client: schema.client, dataKeys: TenantDataKeyStore(keyRing: keyRing)),
                                  logger: process)
                _ = try await JobEnqueuer(client: schema.client, logger: process).enqueue(EnqueueRequest(kind: .backup, tenantID: tenant.id))
                // Claimed as a worker claims it: the commit checks the claim is still held.
                let workerID = UUID()
                let job = try #require(try await JobClaimer(client: schema.client, logger: process)
                    .claim(workerID: workerID, limit: 1, lease: .seconds(600)).first)
                let handler = BackupJobHandler(vault: vault, sessions: TenancyGraphSessionProvider(client: graph, credentials: credentials),
                                               tenants: registry, alerts: ChangeAlertEvaluator(vault: vault, logger: process))
                // The job's logger as the worker makes it.
                var jobLogger = capture.logger(label: "worker")
                jobLogger[metadataKey: "job.id"] = "\(job.id)"
                jobLogger[metadataKey: "job.kind"] = "\(job.kind)"
                jobLogger[metadataKey: "tenant.id"] = "\(tenant.id.uuidString.lowercased())"
                capture.removeAll()
                try await handler.run(job, context: JobContext(claim: try #require(job.claim),
                                                              logger: jobLogger, progressReporter: { _ in }))

                let lines = capture.records.filter(Self.isGraphOrSQL)
                #expect(lines.contains { $0.message == "PostgreSQL statement" }, "the backup's statements are logged")
                #expect(lines.contains { $0.message == "Graph request" }, "the backup's Graph requests are logged")
                #expect(lines.contains { $0.message == "HTTP request finished" })
                for line in lines {
                    #expect(line["job.id"] == "\(job.id)" && line["job.kind"] == "backup", "\(line.label): \(line.message) \(line.metadata)")
                    #expect(line["tenant.id"] == tenant.id.uuidString.lowercased(), "\(line.message) \(line.metadata)")
                }
                for line in lines where line.message == "Graph request" {
                    #expect(line["graph.tenant"] == fixture.tenant.id, "the Entra directory has its own key")
                }
                #expect(capture.records.allSatisfy { $0.label != "process" || !Self.isGraphOrSQL($0) })
                let uuidUpper = /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/
                for record in capture.records {
                    for (key, value) in record.metadata where key.hasSuffix(".id") || key == "graph.tenant" {
                        #expect("\(value)".firstMatch(of: uuidUpper) == nil, "\(key) is written in upper case: \(value)")
                    }
                }
                await http.shutdown()
                await simulator.stop()
            } catch {
                await http.shutdown()
                await simulator.stop()
                throw error
            }
        }
    }
}
