import Cryptography
import Foundation
@testable import Graph
import GraphSim
import HTTP
import HoldfastTesting
import NIOConcurrencyHelpers
import Tenancy
import Testing

@Suite("Graph client with PostgreSQL: shared throttling, tenant status, no secrets in logs")
struct GraphWorkerInvariantTests {
    /// Invariant 7: two workers (separate clients, token caches and pacers) reading the same
    /// tenant share its Retry-After through PostgreSQL.
    @Test func twoWorkersHonourEachOthersRetryAfter() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let store = PostgresThrottleStateStore(client: schema.client)
            // Two workers contend for a few units per 10 s: allow enough attempts that neither gives up.
            try await GraphSimHarness.run(throttling: true, scale: 0.002, throttleStore: store, configure: { $0.maxAttempts = 30 }) { harness in
                let http = try HTTPClient(configuration: .init(), logger: harness.logger)
                let secondWorker = GraphClient(configuration: harness.client.configuration, transport: http, throttleStore: store,
                                               logger: harness.logger)
                let sessions = [harness.session(), secondWorker.session(for: harness.identity, credential: harness.secretCredential)]
                let results = try await withThrowingTaskGroup(of: [String].self) { group in
                    for session in sessions {
                        group.addTask {
                            var ids: [String] = []
                            for try await page in session.pages("/users?$top=5&$select=id") {
                                ids += page.items.compactMap { $0["id"]?.stringValue }
                            }
                            return ids
                        }
                    }
                    var results: [[String]] = []
                    for try await ids in group { results.append(ids) }
                    return results
                }
                await http.shutdown()
                harness.fixture.simulator.setThrottling(enabled: false)
                let total = try await harness.session().count("/users")
                // Both reads complete with every object.
                #expect(results.map { Set($0).count } == [total, total])

                let records = harness.fixture.tenant.requestLog.records().filter { $0.appId == harness.fixture.application.clientId }
                let throttled = records.filter(\.isThrottled)
                #expect(!throttled.isEmpty, "the profile did not throttle; the test proves nothing")
                for record in throttled {
                    let retryAfter = try #require(record.retryAfter)
                    let inWindow = records.filter {
                        $0.sequence > record.sequence && $0.receivedAt < record.receivedAt.addingTimeInterval(retryAfter)
                    }
                    // Only the other worker's request already on the wire when the 429 arrived may
                    // land in the window, and Graph refuses it too; nothing is served inside it.
                    #expect(inWindow.count <= 1, "requests \(inWindow.map(\.sequence)) came inside request \(record.sequence)'s Retry-After")
                    #expect(inWindow.allSatisfy { $0.isThrottled })
                }
            }
        }
    }

    /// The whole path: a secret sealed in PostgreSQL, opened only when the token provider asks.
    @Test func sealedCredentialsSignInThroughTheStore() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            try await GraphSimHarness.run { harness in
                let registry = TenantRegistry(client: schema.client, logger: harness.logger)
                let store = TenantCredentialStore(client: schema.client, keyRing: MasterKeyRing(current: .generate()), logger: harness.logger)
                let tenant = try await registry.addTenant(
                    NewTenant(entraTenantID: try #require(UUID(uuidString: harness.fixture.tenant.id)),
                              primaryDomain: harness.fixture.tenant.initialDomain, displayName: "Contoso"), actor: "test")
                let clientID = try #require(UUID(uuidString: harness.fixture.application.clientId))
                try await store.store(
                    NewTenantCredential(appKind: .tenantApp, clientID: clientID,
                                        material: .clientSecret(SecretBytes(copying: Array(harness.fixture.secret.value.utf8))),
                                        expiresAt: harness.fixture.secret.endDateTime),
                    tenantID: tenant.id, actor: "test")
                let opened = try await store.activeCredential(tenantID: tenant.id)
                let identity = try #require(opened.graphIdentity)
                #expect(identity == harness.identity)

                let opens = OpenCounter()
                let session = harness.client.session(for: identity) {
                    opens.increment()
                    return try await store.activeCredential(tenantID: tenant.id, clientID: clientID).graphCredential()
                }
                _ = try await session.get("/users?$top=1")
                _ = try await session.get("/users?$top=1")
                // Opened for the one token request, not per Graph request.
                #expect(opens.value == 1)
            }
        }
    }

    @Test func rejectedCredentialMarksTheTenantCredentialsInvalid() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            try await GraphSimHarness.run { harness in
                let registry = TenantRegistry(client: schema.client, logger: harness.logger)
                let tenant = try await registry.addTenant(
                    NewTenant(entraTenantID: try #require(UUID(uuidString: harness.fixture.tenant.id)), primaryDomain: harness.fixture.tenant.initialDomain,
                              displayName: "Contoso"), actor: "test")
                let session = harness.client.session(for: harness.identity) { .clientSecret(SecretBytes(copying: Array("wrong".utf8))) }
                do {
                    _ = try await session.get("/users?$top=1")
                    Issue.record("a wrong secret was accepted")
                } catch let error as GraphAuthenticationError {
                    let marked = try await registry.recordAuthenticationFailure(error, tenantID: tenant.id, actor: "worker")
                    #expect(marked)
                }
                let after = try await registry.tenant(id: tenant.id)
                #expect(after.status == .credentialsInvalid)
                #expect(after.statusReason?.hasPrefix("AADSTS7000215") == true)

                // A transient failure leaves the status alone.
                let transient = GraphAuthenticationError(code: .unavailable, message: "HTTP 503", identity: harness.identity)
                let markedTransient = try await registry.recordAuthenticationFailure(transient, tenantID: tenant.id, actor: "worker")
                #expect(!markedTransient)
                #expect(try await registry.tenant(id: tenant.id).status == .credentialsInvalid)
            }
        }
    }

    @Test func logsNeverContainSecretsTokensOrAssertions() async throws {
        let log = CapturedLog()
        try await GraphSimHarness.run(throttling: true, scale: 0.002, logger: log.logger()) { harness in
            let secret = harness.fixture.secret.value
            let session = harness.session()
            for try await _ in session.pages("/users?$top=10&$select=id") {}
            let token = try await harness.client.tokens.token(for: harness.identity, credential: harness.secretCredential)

            // Certificate sign-in, and a rejected secret.
            let key = try PrivateKey.generateRSA(bits: 2048)
            let certificate = try Certificate.selfSigned(key: key, commonName: "log-scan", validFor: 86_400)
            _ = try harness.fixture.simulator.addCertificate(clientId: harness.fixture.application.clientId, certificate: certificate)
            let certificateIdentity = GraphIdentity(tenant: harness.fixture.tenant.initialDomain, clientID: harness.identity.clientID)
            _ = try await harness.client.session(for: certificateIdentity) {
                .certificate(privateKey: key, certificate: certificate, signature: .ps256)
            }.get("/organization")
            let wrong = "Wr0ng~secret.value"
            let other = GraphTokenProvider(configuration: harness.client.configuration, transport: harness.transport, logger: log.logger())
            _ = try? await other.token(for: harness.identity) { .clientSecret(SecretBytes(copying: Array(wrong.utf8))) }

            let text = log.text
            #expect(log.count > 0)
            #expect(text.contains("tenant.id"))
            #expect(!text.contains(secret))
            #expect(!text.contains(wrong))
            #expect(!text.contains(token.value))
            #expect(!text.contains(String(token.value.prefix(40))))
            // Assertions and private keys: a JWT's header prefix and PEM armour never appear.
            #expect(!text.contains("eyJ"))
            #expect(!text.contains("PRIVATE KEY"))
        }
    }
}

final class OpenCounter: Sendable {
    private let count = NIOLockedValueBox(0)
    func increment() { self.count.withLockedValue { $0 += 1 } }
    var value: Int { self.count.withLockedValue { $0 } }
}
