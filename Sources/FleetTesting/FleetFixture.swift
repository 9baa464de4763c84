public import API
public import Cryptography
public import Foundation
public import Graph
public import GraphSim
public import GraphSimTesting
import HTTP
public import HoldfastTesting
public import Logging
public import Postgres
import Queue
import ServiceLifecycle
public import Tenancy
public import Vault

/// The world a service test starts from, so it reads like the feature it tests:
///
/// - a migrated schema of its own;
/// - partners "Partner Amber" and "Partner Birch" with a tenant each (`alpha-tenant`,
///   `bravo-tenant`) and the MSP's own `charlie-tenant`, which graph-sim serves, seeded, with an
///   app holding the catalogue's permissions;
/// - a backup job queued on each partner's tenant and a retention job on the MSP's;
/// - a vault (blobs in PostgreSQL) under a fresh master key, holding one committed snapshot of
///   `bravo-tenant` (user `u1`, "Ann");
/// - a ``MovableClock`` for the components that take a `now:` (graph-sim keeps its own clock,
///   `simulator.clock`: its throttling waits in real seconds, as clients do).
///
/// Everything is stopped when `body` returns or throws.
public struct FleetFixture: Sendable {
    public let schema: IsolatedSchema
    public let logger: Logger
    public let keyRing: MasterKeyRing
    public let vault: Vault
    public let clock: MovableClock
    public let simulator: GraphSimulator
    /// charlie-tenant in graph-sim: its directory, the app registered for Holdfast and its secret.
    public let simulatedTenant: SimulatedTenantFixture
    /// A Graph client pointed at graph-sim.
    public let graph: GraphClient
    public let partnerA: UUID
    public let partnerB: UUID
    public let tenantA: UUID
    public let tenantB: UUID
    /// The MSP's own tenant (no partner), served by graph-sim.
    public let tenantOwn: UUID
    public let jobA: Int64
    public let jobB: Int64
    public let jobOwn: Int64
    public let snapshotB: Int64

    public var client: PostgresClient { schema.client }

    /// One RSA key for every simulator of the process (generating one per test is slow).
    static let signingKey: PrivateKey? = try? PrivateKey.generateRSA(bits: 2048)

    /// `maxConnections`: the schema's pool; keep it small, since every test running in parallel
    /// shares the cluster's connections.
    public static func run<T: Sendable>(maxConnections: Int = 8, logger: Logger = TestLogger.make(label: "fleet-test"),
                                        _ body: (FleetFixture) async throws -> T) async throws -> T {
        try await TestDatabase.withIsolatedSchema(maxConnections: maxConnections, logger: logger) { schema in
            let simulator = try GraphSimulator(configuration: .init(host: "127.0.0.1", port: 0, throttlingEnabled: false, signingKey: signingKey),
                                               logger: logger)
            let http = try HTTPClient(configuration: .init(), logger: logger)
            let result: Result<T, any Error>
            do {
                let simulated = try await simulator.makeFixture(tenant: "charlie-tenant", seed: 7, permissions: ResourceCatalogue.requiredPermissions)
                let graph = GraphClient(configuration: GraphConfiguration(graphBaseURL: simulated.baseURL + "/v1.0", loginBaseURL: simulated.baseURL,
                                                                          maxAttempts: 3, initialBackoff: .milliseconds(50), maxBackoff: .seconds(1)),
                                        transport: http, throttleStore: InMemoryThrottleStateStore(), logger: logger)
                let fixture = try await seed(schema: schema, simulator: simulator, simulated: simulated, graph: graph, logger: logger)
                result = .success(try await body(fixture))
            } catch {
                result = .failure(error)
            }
            await http.shutdown()
            await simulator.stop()
            return try result.get()
        }
    }

    private static func seed(schema: IsolatedSchema, simulator: GraphSimulator, simulated: SimulatedTenantFixture, graph: GraphClient,
                             logger: Logger) async throws -> FleetFixture {
        let client = schema.client
        let registry = TenantRegistry(client: client, logger: logger)
        let partnerA = try await registry.addPartner(name: "Partner Amber", actor: "test").id
        let partnerB = try await registry.addPartner(name: "Partner Birch", actor: "test").id
        func tenant(_ name: String, partner: UUID?, entra: UUID = UUID()) async throws -> UUID {
            try await registry.addTenant(NewTenant(entraTenantID: entra, primaryDomain: "\(name).onmicrosoft.com", displayName: name,
                                                   partnerID: partner), actor: "test").id
        }
        let tenantA = try await tenant("alpha-tenant", partner: partnerA)
        let tenantB = try await tenant("bravo-tenant", partner: partnerB)
        guard let entra = UUID(uuidString: simulated.tenant.id) else {
            throw TestEnvironmentError("graph-sim gave tenant id \(simulated.tenant.id), not a UUID")
        }
        let tenantOwn = try await tenant("charlie-tenant", partner: nil, entra: entra)

        let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
        let jobA = try await enqueuer.enqueue(EnqueueRequest(kind: .backup, tenantID: tenantA)).job.id
        let jobB = try await enqueuer.enqueue(EnqueueRequest(kind: .backup, tenantID: tenantB)).job.id
        let jobOwn = try await enqueuer.enqueue(EnqueueRequest(kind: .retention, tenantID: tenantOwn)).job.id

        let ring = MasterKeyRing(current: MasterKey.generate())
        let vault = Vault(client: client, blobStore: PostgresBlobStore(client: client),
                          keyProvider: TenancyVaultKeyProvider(client: client, dataKeys: TenantDataKeyStore(keyRing: ring)), logger: logger)
        let writer = try await vault.beginSnapshot(tenantID: tenantB, jobID: 9_000_001)
        _ = try await writer.stage(type: "user", objects: [("u1", try CanonicalJSON.canonicalize(Array(#"{"id":"u1","displayName":"Ann"}"#.utf8)))],
                                   fullyRead: true)
        let snapshotB = try await writer.commit(SnapshotCommit(kind: .full, startedAt: Date(), fullyReadTypes: ["user"], deltaLinks: [:],
                                                              missingTypes: [], newBlobs: 1, bytesAdded: 10)).id
        return FleetFixture(schema: schema, logger: logger, keyRing: ring, vault: vault, clock: MovableClock(), simulator: simulator,
                            simulatedTenant: simulated, graph: graph, partnerA: partnerA, partnerB: partnerB, tenantA: tenantA,
                            tenantB: tenantB, tenantOwn: tenantOwn, jobA: jobA, jobB: jobB, jobOwn: jobOwn, snapshotB: snapshotB)
    }

    /// Serves `server` on a free port of 127.0.0.1 while `body` runs, then shuts it down
    /// gracefully (also when `body` throws).
    public func serve<T: Sendable>(_ server: APIServer, _ body: (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try server.makeApplication { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestEnvironmentError("the API server did not start") }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
