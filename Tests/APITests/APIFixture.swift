import Compliance
import Cryptography
import Foundation
import GraphSimTesting
import HoldfastTesting
import Hummingbird
import Logging
import Migrations
import Postgres
import Prometheus
import Queue
import ServiceLifecycle
import Jobs
import Restore
import Tenancy
import Testing
import Vault
@testable import API

/// A running API over an isolated schema, with two partners, a tenant each and one of the MSP's
/// own, a key for every role, a job and a committed snapshot on partner B's tenant.
struct APIFixture: Sendable {
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, operatorKey, readOnly, partnerA, partnerB, revoked
    }

    let schema: IsolatedSchema
    let server: APIServer
    let port: Int
    let tokens: [Caller: String]
    let partnerA: UUID
    let partnerB: UUID
    let tenantA: UUID
    let tenantB: UUID
    let tenantOwn: UUID
    let jobB: Int64
    let snapshotB: Int64
    let standardPolicy: UUID
    /// Signs the compliance reports the API serves (unless `signsReports` was false).
    let reportKey: ReportSigningKey
    /// The vault the API reads (tests write snapshots through it).
    let vault: Vault
    /// Hashes API keys under the fixture's master key, as the API checks them.
    let keyHasher: APIKeyHasher

    var client: PostgresClient { schema.client }

    static func run(configuration: APIConfiguration = APIConfiguration(host: "127.0.0.1", port: 0),
                    metrics: PrometheusCollectorRegistry? = nil, signsReports: Bool = true,
                    graphSessions: (any GraphSessionProvider)? = nil, onboarding: (@Sendable (PostgresClient) -> TenantOnboarding)? = nil,
                    restoreConfiguration: RestoreConfiguration = RestoreConfiguration(),
                    logger: Logger = TestLogger.make(label: "api-test"),
                    _ body: @Sendable (APIFixture) async throws -> Void) async throws {
        try await TestDatabase.withIsolatedSchema(logger: logger) { schema in
            let client = schema.client
            let registry = TenantRegistry(client: client, logger: logger)
            let partnerA = try await registry.addPartner(name: "Partner A", actor: "test").id
            let partnerB = try await registry.addPartner(name: "Partner B", actor: "test").id
            func tenant(_ name: String, partner: UUID?) async throws -> UUID {
                try await registry.addTenant(NewTenant(entraTenantID: UUID(), primaryDomain: "\(name).onmicrosoft.com", displayName: name,
                                                       partnerID: partner), actor: "test").id
            }
            let tenantA = try await tenant("alpha", partner: partnerA)
            let tenantB = try await tenant("bravo", partner: partnerB)
            let tenantOwn = try await tenant("charlie", partner: nil)

            let ring = MasterKeyRing(current: MasterKey.generate())
            let keyHasher = APIKeyHasher(keyRing: ring)
            let keys = APIKeyStore(client: client, hasher: keyHasher, logger: logger)
            var tokens: [Caller: String] = [:]
            tokens[.operatorKey] = try await keys.create(name: "ops", role: .operator, partnerID: nil, actor: "test").token
            tokens[.readOnly] = try await keys.create(name: "grafana", role: .readOnly, partnerID: nil, actor: "test").token
            tokens[.partnerA] = try await keys.create(name: "a portal", role: .partner, partnerID: partnerA, actor: "test").token
            tokens[.partnerB] = try await keys.create(name: "b portal", role: .partner, partnerID: partnerB, actor: "test").token
            let revoked = try await keys.create(name: "old", role: .operator, partnerID: nil, actor: "test")
            try await keys.revoke(keyID: revoked.key.keyID, actor: "test")
            tokens[.revoked] = revoked.token

            let jobB = try await JobEnqueuer(client: client, logger: logger).enqueue(EnqueueRequest(kind: .backup, tenantID: tenantB)).job.id
            let vault = Vault(client: client, blobStore: PostgresBlobStore(client: client),
                              keyProvider: TenancyVaultKeyProvider(client: client, dataKeys: TenantDataKeyStore(keyRing: ring)), logger: logger)
            let writer = try await vault.beginSnapshot(tenantID: tenantB, jobID: 9_000_001)
            _ = try await writer.stage(type: "user", objects: [("u1", try CanonicalJSON.canonicalize(Array(#"{"id":"u1","displayName":"Ann"}"#.utf8)))],
                                       fullyRead: true)
            let snapshotB = try await writer.commit(SnapshotCommit(kind: .full, startedAt: Date(), fullyReadTypes: ["user"], deltaLinks: [:],
                                                                  missingTypes: [], newBlobs: 1, bytesAdded: 10)).id
            let standardPolicy = try await client.query("SELECT id FROM policies WHERE name = 'standard'").first!.decode(UUID.self, "id")

            let migrations = try MigrationDirectory.load(from: try MigrationDirectory.locate())
            let reportKey = try ReportSigningKey.generate()
            let services = APIServices(client: client, configuration: configuration, migrations: migrations, keyHasher: keyHasher, vault: vault,
                                       credentials: TenantCredentialStore(client: client, keyRing: ring, logger: logger), metrics: metrics,
                                       reportSigningKey: signsReports ? reportKey : nil, graphSessions: graphSessions,
                                       onboarding: onboarding?(client), restoreConfiguration: restoreConfiguration, logger: logger)
            let server = APIServer(services: services)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let application = try server.makeApplication { port in continuation.yield(port) }
            let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else { throw TestEnvironmentError("the API server did not start") }
                let fixture = APIFixture(schema: schema, server: server, port: port, tokens: tokens, partnerA: partnerA, partnerB: partnerB,
                                         tenantA: tenantA, tenantB: tenantB, tenantOwn: tenantOwn, jobB: jobB, snapshotB: snapshotB,
                                         standardPolicy: standardPolicy, reportKey: reportKey, vault: vault, keyHasher: keyHasher)
                do {
                    try await body(fixture)
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    /// One request over a real socket.
    func send(_ method: String, _ target: String, as caller: Caller = .operatorKey, json body: String? = nil,
              headers: [(String, String)] = [], rawBody: String? = nil) async throws -> APIResponse {
        var allHeaders = headers
        if let token = tokens[caller] { allHeaders.append(("Authorization", "Bearer \(token)")) }
        if body != nil { allHeaders.append(("Content-Type", "application/json")) }
        let response = try await HTTPTestClient.send(method, "http://127.0.0.1:\(port)\(target)", headers: allHeaders,
                                                     body: Array((body ?? rawBody ?? "").utf8))
        return APIResponse(raw: response)
    }
}

/// A response with JSON helpers.
struct APIResponse: Sendable {
    let raw: HTTPTestResponse

    var status: Int { raw.status }
    var text: String { raw.text }

    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(raw.body))) as? [String: Any] ?? [:]
    }

    /// The `error.code` of an error body, nil if the body is not one.
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (object["error"] as? [String: Any])?["message"] as? String }
    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    var nextCursor: String? { object["next_cursor"] as? String }
}

extension UUID {
    var lower: String { uuidString.lowercased() }
}
