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
            let shared = PostgresThrottleStateStore(client: schema.client)
            let stores = [RecordingThrottleStore(inner: shared), RecordingThrottleStore(inner: shared)]
            // Two workers contend for a few units per 10 s: allow enough attempts that neither gives up.
            try await GraphSimHarness.run(throttling: true, scale: 0.002, throttleStore: stores[0],
                                          configure: { $0.maxAttempts = 30 }) { harness in
                let http = try HTTPClient(configuration: .init(), logger: harness.logger)
                let secondTransport = RecordingTransport(inner: http)
                let secondWorker = GraphClient(configuration: harness.client.configuration, transport: secondTransport,
                                               throttleStore: stores[1], logger: harness.logger)
                let sessions = [harness.session(), secondWorker.session(for: harness.identity, credential: harness.secretCredential)]
                // A client of the same app that ignores throttling spends the tenant's units first
                // (refused requests are charged too), so the workers start throttled however slowly
                // this machine runs.
                let careless = try await harness.fixture.session()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<20 { group.addTask { _ = try await careless.get("/organization") } }
                    try await group.waitForAll()
                }
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

                // Attribute graph-sim's records to workers by client-request-id.
                let transports = [harness.transport, secondTransport]
                var sentBy: [String: (worker: Int, at: Date)] = [:]
                for (worker, transport) in transports.enumerated() {
                    for request in transport.graphRequests { if let id = request.clientRequestID { sentBy[id] = (worker, request.at) } }
                }
                // The workers' requests only (not the careless client's).
                let records = harness.fixture.tenant.requestLog.records().filter { $0.clientRequestId.map { sentBy[$0] != nil } == true }
                let throttled = records.filter(\.isThrottled)
                #expect(!throttled.isEmpty, "the profile did not throttle; the test proves nothing")
                var throttledSoFar = [0, 0]
                for record in throttled {
                    let retryAfter = try #require(record.retryAfter)
                    let told = try #require(record.clientRequestId.flatMap { sentBy[$0] }).worker
                    let recordedAt = stores[told].blocks[throttledSoFar[told]]
                    throttledSoFar[told] += 1
                    let inWindow = records.filter {
                        $0.sequence > record.sequence && $0.receivedAt < record.receivedAt.addingTimeInterval(retryAfter)
                    }
                    for request in inWindow {
                        let sender = try #require(request.clientRequestId.flatMap { sentBy[$0] })
                        // The worker that was told never sends inside the window.
                        #expect(sender.worker != told, "worker \(told) sent inside the Retry-After of request \(record.sequence)")
                        // The other may only if it last looked at the store before the block was
                        // recorded there; once recorded, every worker waits.
                        let lastRead = try #require(stores[sender.worker].reads.last { $0 <= sender.at })
                        #expect(lastRead < recordedAt,
                                "request \(request.sequence) was sent after the Retry-After of \(record.sequence) was recorded")
                    }
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
            #expect(text.contains("graph.tenant"), "Graph lines name the Entra directory under graph.tenant")
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
