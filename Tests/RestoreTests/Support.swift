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
import Synchronization
import Tenancy
import Testing
import Vault

/// graph-sim with `contoso` (seeded), `fabrikam` (seeded, another customer) and `scratch` (empty),
/// an app with read and write permissions in each, a database schema with the three registered,
/// a vault, and a planner and executor.
struct RestoreHarness {
    let simulator: GraphSimulator
    let schema: IsolatedSchema
    let vault: Vault
    let store: RestoreStore
    let tenants: [String: UUID]
    let sessions: [String: GraphSession]
    let logger: Logger

    static let signingKey: PrivateKey? = try? PrivateKey.generateRSA(bits: 2048)

    static let permissions = ResourceCatalogue.requiredPermissions + RestorePermissions.writes

    static func run(tenants specifications: [TenantSpecification] = [
        TenantSpecification(name: "contoso", profile: .small, seed: 11),
        TenantSpecification(name: "fabrikam", profile: .small, seed: 12),
        TenantSpecification(name: "scratch", profile: .empty, seed: 13),
    ], blastRadiusLimit: Int = 50, logger: Logger = TestLogger.make(label: "restore-test"),
       _ body: (RestoreHarness) async throws -> Void) async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let simulator = try GraphSimulator(
                configuration: .init(host: "127.0.0.1", port: 0, tenants: specifications, throttlingEnabled: true, throttleScale: 1,
                                     requestLogCapacity: 20_000, signingKey: signingKey),
                logger: logger)
            let http = try HTTPClient(configuration: .init(), logger: logger)
            do {
                let base = try await simulator.start()
                let configuration = GraphConfiguration(graphBaseURL: base + "/v1.0", loginBaseURL: base,
                                                       initialBackoff: .milliseconds(1_100), maxBackoff: .seconds(5))
                let client = GraphClient(configuration: configuration, transport: http, throttleStore: InMemoryThrottleStateStore(),
                                         logger: logger)
                let registry = TenantRegistry(client: schema.client, logger: logger)
                var tenants: [String: UUID] = [:]
                var sessions: [String: GraphSession] = [:]
                for specification in specifications {
                    let tenant = try #require(simulator.tenant(named: specification.name))
                    let app = try simulator.registerApplication(tenant: specification.name, displayName: "Holdfast \(specification.name)",
                                                                permissions: permissions)
                    let secret = try simulator.addClientSecret(clientId: app.clientId).value
                    sessions[specification.name] = client.session(for: GraphIdentity(tenant: tenant.id, clientID: app.clientId)) {
                        .clientSecret(SecretBytes(copying: Array(secret.utf8)))
                    }
                    tenants[specification.name] = try await registry.addTenant(
                        NewTenant(entraTenantID: UUID(uuidString: tenant.id)!, primaryDomain: tenant.initialDomain,
                                  displayName: specification.name), actor: "test").id
                }
                let keys = TenancyVaultKeyProvider(client: schema.client,
                                                   dataKeys: TenantDataKeyStore(keyRing: MasterKeyRing(current: MasterKey.generate())))
                let vault = Vault(client: schema.client, blobStore: PostgresBlobStore(client: schema.client), keyProvider: keys, logger: logger)
                try await body(RestoreHarness(simulator: simulator, schema: schema, vault: vault, store: RestoreStore(vault: vault),
                                              tenants: tenants, sessions: sessions, logger: logger))
                await http.shutdown()
                await simulator.stop()
            } catch {
                await http.shutdown()
                await simulator.stop()
                throw error
            }
        }
    }

    func session(_ name: String) throws -> GraphSession { try #require(sessions[name]) }
    func tenantID(_ name: String) throws -> UUID { try #require(tenants[name]) }

    private static let jobs = JobCounter()

    func backup(_ name: String) async throws -> SnapshotSummary {
        try await BackupRun(vault: vault, session: try session(name), tenantID: try tenantID(name), jobID: Self.jobs.next(),
                            claim: nil, logger: logger).run()
    }

    func planner(blastRadiusLimit: Int = 50) -> RestorePlanner {
        RestorePlanner(vault: vault, store: store, configuration: .init(blastRadiusLimit: blastRadiusLimit,
                                                                        conditionalAccessInterval: .milliseconds(1_050)),
                       logger: logger)
    }

    func executor(afterBatch: @escaping @Sendable ([Int]) async throws -> Void = { _ in }) -> RestoreExecutor {
        RestoreExecutor(store: store, logger: logger, afterBatch: afterBatch)
    }

    /// The snapshot's objects of the restorable types, for comparisons.
    func sourceObjects(_ snapshot: SnapshotSummary, types: Set<String> = RestorableTypes.all) async throws -> TenantObjects {
        try await SnapshotObjectReader(vault: vault).objects(of: snapshot, types: RestorableTypes.closure(of: types))
    }
}

/// Job ids unique within the test process (snapshots.job_id is unique).
final class JobCounter: Sendable {
    private let value = Mutex(Int64(1_000))
    func next() -> Int64 { value.withLock { $0 += 1; return $0 } }
}

extension RestoreHarness {
    /// A job enqueued and claimed through the queue, as a worker would hold it, and its context.
    func claimedJob(_ kind: JobKind, tenantID: UUID, arguments: String = "{}") async throws -> (Job, JobContext) {
        let client = self.schema.client
        _ = try await JobEnqueuer(client: client, logger: self.logger, checks: .unchecked)
            .enqueue(EnqueueRequest(kind: kind, tenantID: tenantID, arguments: arguments))
        let job = try #require(try await JobClaimer(client: client, logger: self.logger)
            .claim(workerID: UUID(), limit: 1, lease: .seconds(300), kinds: [kind]).first)
        let claim = try #require(job.claim)
        return (job, JobContext(claim: claim, logger: self.logger, progressReporter: { json in
            try await JobCompleter(client: client, logger: self.logger).reportProgress(claim, json: json)
        }))
    }

    /// The claim's lease expires, the rescuer returns the job, and it is claimed again: the next attempt's claim.
    func takeOver(_ claim: JobClaim) async throws -> JobClaim {
        let client = self.schema.client
        try await client.query("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = \(claim.jobID)")
        #expect(try await JobRescuer(client: client, logger: self.logger).runOnce() == 1)
        let job = try #require(try await JobClaimer(client: client, logger: self.logger)
            .claim(workerID: UUID(), limit: 1, lease: .seconds(300), kinds: [.restore, .backup, .validation]).first)
        #expect(job.id == claim.jobID)
        return try #require(job.claim)
    }

    /// Completes a claimed job (so the tenant may run its next exclusive one).
    func finish(_ job: Job) async throws {
        let claim = try #require(job.claim)
        _ = try await JobCompleter(client: self.schema.client, logger: self.logger).complete([claim])
    }
}
