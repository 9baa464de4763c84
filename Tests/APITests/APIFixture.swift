import Compliance
import Cryptography
import FleetTesting
import Foundation
import GraphSim
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

/// The API on a real socket over a ``FleetFixture`` (two partners with a tenant each and one of the
/// MSP's own, a job on each, a committed snapshot on partner B's tenant), with a key for every role.
struct APIFixture: Sendable {
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, operatorKey, readOnly, partnerA, partnerB, revoked
    }

    let fleet: FleetFixture
    let server: APIServer
    let port: Int
    let tokens: [Caller: String]
    let standardPolicy: UUID
    /// Signs the compliance reports the API serves (unless `signsReports` was false).
    let reportKey: ReportSigningKey
    /// Hashes API keys under the fleet's master key, as the API checks them.
    let keyHasher: APIKeyHasher

    var schema: IsolatedSchema { fleet.schema }
    var client: PostgresClient { fleet.client }
    /// The vault the API reads (tests write snapshots through it).
    var vault: Vault { fleet.vault }
    var partnerA: UUID { fleet.partnerA }
    var partnerB: UUID { fleet.partnerB }
    var tenantA: UUID { fleet.tenantA }
    var tenantB: UUID { fleet.tenantB }
    var tenantOwn: UUID { fleet.tenantOwn }
    var jobB: Int64 { fleet.jobB }
    var snapshotB: Int64 { fleet.snapshotB }
    var simulator: GraphSimulator { fleet.simulator }

    /// `onboards`: the API onboards tenants, signing in at the fleet's graph-sim.
    static func run(configuration: APIConfiguration = APIConfiguration(host: "127.0.0.1", port: 0),
                    metrics: PrometheusCollectorRegistry? = nil, signsReports: Bool = true,
                    graphSessions: (any GraphSessionProvider)? = nil, onboards: Bool = false,
                    restoreConfiguration: RestoreConfiguration = RestoreConfiguration(),
                    logger: Logger = TestLogger.make(label: "api-test"),
                    _ body: @Sendable (APIFixture) async throws -> Void) async throws {
        try await FleetFixture.run(logger: logger) { fleet in
            let client = fleet.client
            let keyHasher = APIKeyHasher(keyRing: fleet.keyRing)
            let keys = APIKeyStore(client: client, hasher: keyHasher, logger: logger)
            var tokens: [Caller: String] = [:]
            tokens[.operatorKey] = try await keys.create(name: "ops", role: .operator, partnerID: nil, actor: "test").token
            tokens[.readOnly] = try await keys.create(name: "grafana", role: .readOnly, partnerID: nil, actor: "test").token
            tokens[.partnerA] = try await keys.create(name: "a portal", role: .partner, partnerID: fleet.partnerA, actor: "test").token
            tokens[.partnerB] = try await keys.create(name: "b portal", role: .partner, partnerID: fleet.partnerB, actor: "test").token
            let revoked = try await keys.create(name: "old", role: .operator, partnerID: nil, actor: "test")
            try await keys.revoke(keyID: revoked.key.keyID, actor: "test")
            tokens[.revoked] = revoked.token
            let standardPolicy = try await client.query("SELECT id FROM policies WHERE name = 'standard'").first!.decode(UUID.self, "id")

            let migrations = try MigrationDirectory.load(from: try MigrationDirectory.locate())
            let reportKey = try ReportSigningKey.generate()
            let services = APIServices(client: client, configuration: configuration, migrations: migrations, keyHasher: keyHasher, vault: fleet.vault,
                                       credentials: TenantCredentialStore(client: client, keyRing: fleet.keyRing, logger: logger), metrics: metrics,
                                       reportSigningKey: signsReports ? reportKey : nil, graphSessions: graphSessions,
                                       onboarding: onboards ? TenantOnboarding(client: client, keyRing: fleet.keyRing, graph: fleet.graph, logger: logger) : nil,
                                       restoreConfiguration: restoreConfiguration,
                                       enqueueChecks: EnqueueChecks(JobsArguments.all + [WebhookArguments.self], admission: TenantEnqueueAdmission()),
                                       logger: logger)
            let server = APIServer(services: services)
            try await fleet.serve(server) { port in
                try await body(APIFixture(fleet: fleet, server: server, port: port, tokens: tokens, standardPolicy: standardPolicy,
                                          reportKey: reportKey, keyHasher: keyHasher))
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
