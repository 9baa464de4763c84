import Cryptography
import Foundation
import Graph
import GraphSimTesting
import HTTP
import HoldfastTesting
import Logging
import NIOConcurrencyHelpers

/// A Graph client pointed at a ``StubUpstream`` that answers as the test says: for hostile or
/// broken responses graph-sim never sends. Token requests get a bearer token unless `respond`
/// answers them itself; anything `respond` leaves (nil) is a 404.
struct StubGraphHarness {
    let upstream: StubUpstream
    let client: GraphClient
    let throttleStore: any ThrottleStateStore
    let http: HTTPClient

    static let tenant = "11111111-2222-3333-4444-555555555555"
    static let clientID = "66666666-7777-8888-9999-000000000000"

    static func run<T: Sendable>(
        throttleStore: any ThrottleStateStore = InMemoryThrottleStateStore(),
        http httpConfiguration: HTTPClient.Configuration = .init(),
        configure: (inout GraphConfiguration) -> Void = { _ in },
        respond: @escaping @Sendable (_ request: StubRequest, _ base: String) async -> StubResponse?,
        _ body: (StubGraphHarness) async throws -> T
    ) async throws -> T {
        let logger = TestLogger.make(label: "graph-stub-test")
        let baseBox = BaseURLBox()
        return try await StubUpstream.withRunning(respond: { request in
            if let answer = await respond(request, baseBox.value) { return answer }
            if request.path.hasSuffix("/oauth2/v2.0/token") { return .token() }
            return .json(#"{"error":{"code":"Request_ResourceNotFound","message":"not scripted"}}"#, status: 404)
        }) { upstream in
            baseBox.value = upstream.baseURL
            var configuration = GraphConfiguration(graphBaseURL: upstream.baseURL + "/v1.0", loginBaseURL: upstream.baseURL,
                                                   maxAttempts: 3, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))
            configure(&configuration)
            let http = try HTTPClient(configuration: httpConfiguration, logger: logger)
            let client = GraphClient(configuration: configuration, transport: http, throttleStore: throttleStore, logger: logger)
            do {
                let result = try await body(StubGraphHarness(upstream: upstream, client: client, throttleStore: throttleStore, http: http))
                await http.shutdown()
                return result
            } catch {
                await http.shutdown()
                throw error
            }
        }
    }

    var identity: GraphIdentity { GraphIdentity(tenant: Self.tenant, clientID: Self.clientID) }

    func session() -> GraphSession {
        self.client.session(for: self.identity) { .clientSecret(SecretBytes(copying: Array("stub-secret".utf8))) }
    }

    /// Graph requests the stub received (token requests left out).
    var graphRequests: [StubRequest] { self.upstream.requests.filter { !$0.path.hasSuffix("/oauth2/v2.0/token") } }
}

/// The stub's base URL, known only once it listens, for responders that build links to it.
final class BaseURLBox: Sendable {
    private let stored = NIOLockedValueBox("")
    var value: String {
        get { self.stored.withLockedValue { $0 } }
        set { self.stored.withLockedValue { $0 = newValue } }
    }
}
