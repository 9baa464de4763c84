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
import Tenancy
import Vault

/// A seeded graph-sim tenant, an app with the catalogue's permissions (minus `withhold`), a
/// database schema with the tenant registered, and a vault.
struct BackupHarness {
    let simulator: GraphSimulator
    let fixture: SimulatedTenantFixture
    let session: GraphSession
    let schema: IsolatedSchema
    let vault: Vault
    let tenantID: UUID
    let logger: Logger

    static let signingKey: PrivateKey? = try? PrivateKey.generateRSA(bits: 2048)

    static func run(withhold: Set<String> = [], grant: Set<String> = [], faults: FaultProfile? = nil, throttling: Bool = false,
                    _ body: (BackupHarness) async throws -> Void) async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make(label: "backup-test")
            let simulator = try GraphSimulator(
                configuration: .init(host: "127.0.0.1", port: 0, tenants: [TenantSpecification(name: "contoso", profile: .small, seed: 11)],
                                     throttlingEnabled: throttling, throttleScale: 1, requestLogCapacity: 1_000, signingKey: signingKey),
                logger: logger)
            let http = try HTTPClient(configuration: .init(), logger: logger)
            do {
                let permissions = ResourceCatalogue.requiredPermissions.filter { !withhold.contains($0) } + grant.sorted()
                let fixture = try await simulator.makeFixture(tenant: "contoso", permissions: permissions)
                if let faults { try simulator.setFaults(faults, tenant: "contoso") }
                let configuration = GraphConfiguration(graphBaseURL: fixture.baseURL + "/v1.0", loginBaseURL: fixture.baseURL,
                                                       initialBackoff: .milliseconds(50), maxBackoff: .seconds(2))
                let client = GraphClient(configuration: configuration, transport: http, throttleStore: InMemoryThrottleStateStore(),
                                         logger: logger)
                let secret = fixture.secret.value
                let session = client.session(for: GraphIdentity(tenant: fixture.tenant.id, clientID: fixture.application.clientId)) {
                    .clientSecret(SecretBytes(copying: Array(secret.utf8)))
                }
                let tenant = try await TenantRegistry(client: schema.client, logger: logger).addTenant(
                    NewTenant(entraTenantID: UUID(uuidString: fixture.tenant.id)!, primaryDomain: fixture.tenant.initialDomain,
                              displayName: "Contoso"), actor: "test")
                let keys = TenancyVaultKeyProvider(client: schema.client,
                                                   dataKeys: TenantDataKeyStore(keyRing: MasterKeyRing(current: MasterKey.generate())))
                let vault = Vault(client: schema.client, blobStore: PostgresBlobStore(client: schema.client), keyProvider: keys, logger: logger)
                try await body(BackupHarness(simulator: simulator, fixture: fixture, session: session, schema: schema, vault: vault,
                                             tenantID: tenant.id, logger: logger))
                await http.shutdown()
                await simulator.stop()
            } catch {
                await http.shutdown()
                await simulator.stop()
                throw error
            }
        }
    }

    func backup(jobID: Int64, full: Bool = false,
                report: @escaping @Sendable (BackupProgress) async throws -> Void = { _ in }) async throws -> SnapshotSummary {
        try await BackupRun(vault: vault, session: session, tenantID: tenantID, jobID: jobID, claim: nil, forceFull: full,
                            logger: logger, report: report).run()
    }

    /// Every object Graph serves for `entry` now, keyed as the backup keys them, canonical, with
    /// null properties dropped (delta omits never-set properties; lists send them as null).
    func liveObjects(_ entry: CatalogueEntry) async throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let parents: [[String]]
        if let parent = entry.parent, let parentEntry = ResourceCatalogue.entry(named: parent) {
            parents = try await self.liveObjects(parentEntry).keys.map { $0.split(separator: "/").map(String.init) }
        } else {
            parents = [[]]
        }
        for chain in parents {
            var path: String? = entry.listRequestPath(parents: chain)
            while let current = path {
                let body: [UInt8]
                do {
                    body = try await session.send(.get(current)).body
                } catch let error as Graph.GraphError where error.status == 404 && entry.parent != nil {
                    break
                }
                let page = try CanonicalJSON.parse(body)
                if entry.shape == .singleton {
                    let key = entry.parent == nil ? (page[entry.key]?.stringValue ?? entry.name) : entry.objectKey(parents: chain, id: nil)
                    result[key] = Self.comparable(page, relationship: entry.kind == .relationship)
                    path = nil
                } else {
                    for item in page["value"]?.arrayValue ?? [] {
                        guard let id = item[entry.key]?.stringValue else { continue }
                        // As the backup stores them: an object without the kept property is not stored.
                        if let required = entry.storedOnlyWith {
                            switch item[required] {
                            case nil, .null?: continue
                            case .object(let members)? where members.isEmpty: continue
                            default: break
                            }
                        }
                        result[entry.objectKey(parents: chain, id: id)] = Self.comparable(item, relationship: entry.kind == .relationship)
                    }
                    path = page["@odata.nextLink"]?.stringValue
                }
            }
        }
        return result
    }

    /// Every object of `type` in `snapshot`, canonical, nulls dropped.
    func storedObjects(_ type: String, in snapshot: SnapshotSummary) async throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        try await vault.forEachEntry(of: snapshot) { page in
            for entry in page where entry.type == type {
                result[entry.objectID] = Self.comparable(try CanonicalJSON.parse(try await vault.read(entry.blobID, tenantID: tenantID)),
                                                         relationship: false)
            }
        }
        return result
    }

    static func comparable(_ value: CanonicalJSON, relationship: Bool) -> [UInt8] {
        guard let object = value.objectValue else { return value.canonicalBytes() }
        var kept: [String: CanonicalJSON] = [:]
        for (key, value) in object where value != .null && (!key.contains("@") || key == "@odata.type") {
            if relationship && key != "id" && key != "@odata.type" { continue }
            kept[key] = value
        }
        return CanonicalJSON.object(JSONObject(kept)).canonicalBytes()
    }
}
