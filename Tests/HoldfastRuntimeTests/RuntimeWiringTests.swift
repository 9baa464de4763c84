import Cryptography
import Foundation
import Graph
import GraphSim
import GraphSimTesting
import HTTP
import HoldfastRuntime
import HoldfastTesting
import Jobs
import Logging
import Postgres
import ServiceLifecycle
import Tenancy
import Testing
import Vault
import API

/// What the composition root builds, against real PostgreSQL, moto and graph-sim: the API's vault
/// is the configured S3 store, and the CLI's Graph traffic draws from the shared app's budget.
@Suite("composition root", .timeLimit(.minutes(10)))
struct RuntimeWiringTests {
    static let masterKey = Data((0..<32).map { UInt8(($0 * 7 + 3) % 256) }).base64EncodedString()

    /// The environment of a process of this test: the test's schema and master key, and no
    /// setting inherited from the developer's shell that would pick another store.
    static func environment(schema: IsolatedSchema, extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOLDFAST_") || $0.key.hasPrefix("HOLDFAST_TEST_") }
        environment["HOLDFAST_DATABASE_URL"] = schema.connectionString
        environment["HOLDFAST_MASTER_KEY"] = masterKey
        environment["HOLDFAST_LOG_LEVEL"] = "warning"
        return environment.merging(extra) { $1 }
    }

    @Test func theAPIServesObjectsHistoriesAndDiffsFromTheS3Store() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make(label: "runtime-test")
            let bucket = "holdfast-\(UUID().uuidString.lowercased().prefix(18))"
            let endpoint = try TestS3Server.url
            let environment = Self.environment(schema: schema, extra: [
                "HOLDFAST_S3_BUCKET": bucket, "HOLDFAST_S3_ENDPOINT": endpoint, "HOLDFAST_S3_ACCESS_KEY_ID": "holdfast-test",
                "HOLDFAST_S3_SECRET_ACCESS_KEY": "holdfast-test-secret", "HOLDFAST_S3_KEY_PREFIX": "vault/", "HOLDFAST_API_LISTEN": "127.0.0.1:0",
            ])
            let configuration = try await HoldfastConfiguration.load(environment: environment).configuration
            try await HoldfastRuntime.withRuntime(configuration, logger: logger) { runtime in
                var create = HTTPRequest(method: .put, url: "\(endpoint)/\(bucket)")
                create.awsSigV4 = "aws:amz:us-east-1:s3"
                create.credentials = .init(username: "holdfast-test", password: "holdfast-test-secret")
                try #require(try await runtime.http().execute(create).status == 200)

                // Two snapshots of one tenant, written through the runtime's vault (S3).
                let tenant = try await TenantRegistry(client: runtime.postgres, logger: logger).addTenant(
                    NewTenant(entraTenantID: UUID(), primaryDomain: "s3.onmicrosoft.com", displayName: "S3"), actor: "test").id
                let vault = try runtime.vault()
                var snapshots: [Int64] = []
                for (job, name) in [(Int64(7_100_001), "Ann"), (7_100_002, "Anna")] {
                    let writer = try await vault.beginSnapshot(tenantID: tenant, jobID: job)
                    _ = try await writer.stage(type: "user", objects: [("u1", try CanonicalJSON.canonicalize(Array(#"{"id":"u1","displayName":"\#(name)"}"#.utf8)))],
                                               fullyRead: true)
                    snapshots.append(try await writer.commit(SnapshotCommit(kind: .full, startedAt: Date(), fullyReadTypes: ["user"], deltaLinks: [:],
                                                                            missingTypes: [], newBlobs: 1, bytesAdded: 10)).id)
                }
                let inPostgres = try await runtime.postgres.query("SELECT count(*) AS n FROM vault_blobs").first?.decode(Int.self, "n")
                #expect(inPostgres == 0, "the blobs went to PostgreSQL, not S3")

                // The API as the coordinator builds it, on a free port.
                let services = try runtime.apiServices(metrics: nil)
                let token = try await services.keys.create(name: "test", role: .operator, partnerID: nil, actor: "test").token
                let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
                let application = try APIServer(services: services).makeApplication { continuation.yield($0) }
                let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    var iterator = ports.makeAsyncIterator()
                    let port = try #require(await iterator.next())
                    func get(_ target: String) async throws -> (status: Int, text: String) {
                        let response = try await HTTPTestClient.send("GET", "http://127.0.0.1:\(port)\(target)",
                                                                     headers: [("Authorization", "Bearer \(token)")], body: [])
                        return (response.status, response.text)
                    }
                    let object = try await get("/v1/tenants/\(tenant.uuidString.lowercased())/object?type=user&id=u1")
                    #expect(object.status == 200 && object.text.contains("Anna"), "\(object)")
                    let history = try await get("/v1/tenants/\(tenant.uuidString.lowercased())/object/history?type=user&id=u1")
                    #expect(history.status == 200 && history.text.contains("\(snapshots[0])") && history.text.contains("\(snapshots[1])"), "\(history)")
                    let diff = try await get("/v1/tenants/\(tenant.uuidString.lowercased())/diff?from=\(snapshots[0])&to=\(snapshots[1])")
                    #expect(diff.status == 200 && diff.text.contains("displayName") && diff.text.contains("Ann"), "\(diff)")
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
            }
        }
    }

    @Test func aCLIRestorePlanAndForegroundApplyDrawFromTheSharedAppBudget() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make(label: "runtime-test")
            let simulator = try GraphSimulator(
                configuration: .init(host: "127.0.0.1", port: 0, tenants: [TenantSpecification(name: "contoso", profile: .small, seed: 31)],
                                     throttlingEnabled: false, throttleScale: 1, requestLogCapacity: 5_000,
                                     signingKey: try PrivateKey.generateRSA(bits: 2048)),
                logger: logger)
            let base = try await simulator.start()
            do {
                let environment = Self.environment(schema: schema, extra: ["HOLDFAST_GRAPH_BASE_URL": base + "/v1.0", "HOLDFAST_LOGIN_BASE_URL": base])
                let configuration = try await HoldfastConfiguration.load(environment: environment).configuration
                let app = try simulator.registerApplication(tenant: "contoso", displayName: "Holdfast MSP",
                                                            permissions: ResourceCatalogue.requiredPermissions + RestorePermissions.writes)
                let secret = try simulator.addClientSecret(clientId: app.clientId).value
                let directory = try #require(simulator.tenant(named: "contoso")).id
                let (tenant, snapshot) = try await HoldfastRuntime.withRuntime(configuration, logger: logger) { runtime in
                    // Onboarded with the MSP's shared multi-tenant app, then backed up.
                    let outcome = try await runtime.onboarding().add(TenantOnboarding.Request(
                        directory: directory, displayName: "Contoso",
                        credential: NewTenantCredential(appKind: .sharedMultitenantApp, clientID: UUID(uuidString: app.clientId)!,
                                                        material: .clientSecret(SecretBytes(copying: Array(secret.utf8))), expiresAt: nil)),
                        actor: "test")
                    let session = try await runtime.graphSessions().session(tenantID: outcome.tenant.id, logger: runtime.logger)
                    let snapshot = try await BackupRun(vault: try runtime.vault(), session: session, tenantID: outcome.tenant.id, jobID: 7_200_001,
                                                       claim: nil, logger: logger).run()
                    return (outcome.tenant.id, snapshot.id)
                }
                _ = try simulator.apply(.hardDeleteUsers(count: 1), tenant: "contoso")

                func budgetRows() async throws -> Int {
                    try await schema.client.query("SELECT count(*) AS n FROM graph_app_budget WHERE client_id = \(app.clientId.lowercased())")
                        .first?.decode(Int.self, "n") ?? 0
                }
                let holdfast = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path
                _ = try await schema.client.query("DELETE FROM graph_app_budget")
                let plan = try await ProcessRunner.capture(holdfast, ["restore", "plan", tenant.uuidString, "--snapshot", "\(snapshot)", "--type", "user",
                                                                      "--only-missing", "--actor", "erin"], environment: environment)
                #expect(plan.status == 0, "\(plan.standardError)")
                #expect(try await budgetRows() == 2, "restore plan read the tenant without drawing from the shared app's budget")
                let planID = try #require(plan.standardOutput.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })

                _ = try await schema.client.query("DELETE FROM graph_app_budget")
                let apply = try await ProcessRunner.capture(holdfast, ["restore", "apply", planID], environment: environment)
                #expect(apply.status == 0, "\(apply.standardOutput)\n\(apply.standardError)")
                #expect(try await budgetRows() == 2, "restore apply wrote to the tenant without drawing from the shared app's budget")
                let actors = try await schema.client.query("SELECT DISTINCT actor FROM audit_log WHERE action LIKE 'restore.%' ORDER BY actor").rows
                    .map { try $0.decode(String.self, "actor") }
                #expect(actors == ["cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown"), "erin"])
            } catch {
                await simulator.stop()
                throw error
            }
            await simulator.stop()
        }
    }
}
