import Cryptography
import Foundation
import Graph
import GraphSim
import Testing

@Suite("Graph tokens against graph-sim")
struct GraphTokenProviderTests {
    @Test func clientSecretAuthenticates() async throws {
        try await GraphSimHarness.run { harness in
            let me = try await harness.session().get("/organization")
            #expect(me["value"]?.arrayValue?.first?["id"]?.stringValue == harness.fixture.tenant.id)
            #expect(harness.transport.tokenRequests == 1)
        }
    }

    @Test(arguments: [GraphClientCredential.AssertionSignature.ps256, .rs256])
    func certificateAssertionAuthenticates(_ signature: GraphClientCredential.AssertionSignature) async throws {
        try await GraphSimHarness.run { harness in
            let credential = try harness.certificateCredential(signature)
            let session = harness.client.session(for: harness.identity, credential: credential)
            let users = try await session.get("/users?$top=3")
            #expect(users["value"]?.arrayValue?.count == 3)
            // The assertion is checked, not just accepted: an unregistered certificate fails.
            let stranger = try PrivateKey.generateRSA(bits: 2048)
            let strangerCertificate = try Certificate.selfSigned(key: stranger, commonName: "stranger", validFor: 86_400)
            let other = GraphTokenProvider(configuration: harness.client.configuration, transport: harness.transport, logger: harness.logger)
            await #expect(throws: GraphAuthenticationError.self) {
                try await other.token(for: harness.identity) { .certificate(privateKey: stranger, certificate: strangerCertificate, signature: signature) }
            }
            do {
                _ = try await other.token(for: harness.identity) { .certificate(privateKey: stranger, certificate: strangerCertificate, signature: signature) }
            } catch let error as GraphAuthenticationError {
                #expect(error.code == .invalidClientAssertion)
                #expect(error.aadstsCode == 700027)
                #expect(error.isCredentialInvalid)
            }
        }
    }

    @Test func hundredConcurrentCallersShareOneTokenRequest() async throws {
        try await GraphSimHarness.run { harness in
            let tokens = harness.client.tokens
            let identity = harness.identity
            let credential = harness.secretCredential
            let values = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await tokens.token(for: identity, credential: credential).value }
                }
                var values: [String] = []
                for try await value in group { values.append(value) }
                return values
            }
            #expect(values.count == 100)
            #expect(Set(values).count == 1)
            #expect(harness.transport.tokenRequests == 1)
            #expect(await tokens.tokenRequestCount == 1)
            // Cached afterwards; an invalidation fetches exactly one new token.
            _ = try await tokens.token(for: identity, credential: credential)
            #expect(harness.transport.tokenRequests == 1)
            await tokens.invalidate(identity)
            _ = try await tokens.token(for: identity, credential: credential)
            #expect(harness.transport.tokenRequests == 2)
        }
    }

    @Test func tokenIsRefreshedBeforeItExpires() async throws {
        // A margin longer than graph-sim's token lifetime makes every cached token "about to expire".
        try await GraphSimHarness.run(configure: { $0.tokenRefreshMargin = .seconds(100_000) }) { harness in
            _ = try await harness.client.tokens.token(for: harness.identity, credential: harness.secretCredential)
            _ = try await harness.client.tokens.token(for: harness.identity, credential: harness.secretCredential)
            #expect(harness.transport.tokenRequests == 2)
        }
    }

    @Test func wrongSecretIsAnInvalidCredential() async throws {
        try await GraphSimHarness.run { harness in
            let error = try await authenticationError(harness) { .clientSecret(SecretBytes(copying: Array("not-the-secret".utf8))) }
            #expect(error.code == .invalidClientSecret)
            #expect(error.aadstsCode == 7000215)
            #expect(error.status == 401)
            #expect(error.isCredentialInvalid)
            #expect(!error.isCredentialExpired)
            #expect(!error.isTransient)
            #expect(error.traceID != nil)
            #expect(!error.description.contains("not-the-secret"))
            // Not retried: one request.
            #expect(harness.transport.tokenRequests == 1)
        }
    }

    @Test func expiredSecretIsReportedAsExpired() async throws {
        try await GraphSimHarness.run { harness in
            let short = try harness.fixture.simulator.addClientSecret(clientId: harness.fixture.application.clientId, validFor: 60)
            harness.fixture.simulator.advanceClock(by: 3_600)
            let error = try await authenticationError(harness) { .clientSecret(SecretBytes(copying: Array(short.value.utf8))) }
            #expect(error.code == .expiredClientSecret)
            #expect(error.aadstsCode == 7000222)
            #expect(error.isCredentialInvalid)
            #expect(error.isCredentialExpired)
            #expect(error.message.hasPrefix("AADSTS7000222"))
        }
    }

    @Test func unknownTenantAndUnknownAppAreTyped() async throws {
        try await GraphSimHarness.run { harness in
            let tokens = harness.client.tokens
            do {
                _ = try await tokens.token(for: GraphIdentity(tenant: UUID().uuidString, clientID: harness.identity.clientID),
                                           credential: harness.secretCredential)
                Issue.record("an unknown tenant issued a token")
            } catch let error as GraphAuthenticationError {
                #expect(error.code == .tenantNotFound)
                #expect(error.aadstsCode == 90002)
                #expect(error.isCredentialInvalid)
            }
            do {
                _ = try await tokens.token(for: GraphIdentity(tenant: harness.identity.tenant, clientID: UUID().uuidString),
                                           credential: harness.secretCredential)
                Issue.record("an unknown app was issued a token")
            } catch let error as GraphAuthenticationError {
                #expect(error.code == .applicationNotFound)
                #expect(error.aadstsCode == 700016)
            }
        }
    }

    func authenticationError(
        _ harness: GraphSimHarness,
        _ credential: @escaping GraphTokenProvider.CredentialSource
    ) async throws -> GraphAuthenticationError {
        do {
            _ = try await harness.client.session(for: harness.identity, credential: credential).get("/users?$top=1")
        } catch let error as GraphAuthenticationError {
            return error
        }
        throw Graph.GraphError(code: .invalidResponse, message: "the request succeeded with a bad credential")
    }
}
