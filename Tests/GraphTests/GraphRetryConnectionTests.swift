import Cryptography
import Foundation
import Logging
import Graph
import GraphSim
import GraphSimTesting
import HTTP
import HoldfastTesting
import NIOConcurrencyHelpers
import Testing

/// A transport that answers the next requests it is told to fail itself (503, or a dropped connection)
/// and passes the rest to the real client, recording whether each asked for a fresh connection.
final class FailingFirstTransport: GraphTransport {
    enum Failure: Sendable { case serviceUnavailable, network }

    let inner: any GraphTransport
    let failure: Failure
    private let state = NIOLockedValueBox<(remaining: Int, fresh: [Bool], newConnections: [Int])>((0, [], []))

    init(inner: any GraphTransport, failure: Failure) {
        self.inner = inner
        self.failure = failure
    }

    /// Makes the next `count` Graph requests fail.
    func failNext(_ count: Int) { self.state.withLockedValue { $0.remaining = count } }

    var freshFlags: [Bool] { self.state.withLockedValue { $0.fresh } }
    var newConnections: [Int] { self.state.withLockedValue { $0.newConnections } }

    func execute(_ request: HTTPRequest, logger: Logger?) async throws -> HTTPResponse {
        let isGraph = request.url.contains("/v1.0/")
        let fail = self.state.withLockedValue { state -> Bool in
            guard isGraph else { return false }
            state.fresh.append(request.freshConnection)
            guard state.remaining > 0 else { return false }
            state.remaining -= 1
            return true
        }
        if fail {
            switch self.failure {
            case .serviceUnavailable:
                return HTTPResponse(status: 503, headers: ["Retry-After": "0"], body: [], httpVersion: .http1_1, effectiveURL: request.url)
            case .network:
                throw SimulatedConnectionReset()
            }
        }
        let response = try await self.inner.execute(request, logger: logger)
        if isGraph { self.state.withLockedValue { $0.newConnections.append(response.newConnections) } }
        return response
    }
}

struct SimulatedConnectionReset: Error {}

@Suite("Retries on a new connection", .timeLimit(.minutes(5)))
struct GraphRetryConnectionTests {
    @Test(arguments: [FailingFirstTransport.Failure.serviceUnavailable, .network])
    func aRetryAfterA503OrANetworkErrorUsesANewConnection(_ failure: FailingFirstTransport.Failure) async throws {
        let logger = TestLogger.make()
        let simulator = try GraphSimulator(configuration: .init(host: "127.0.0.1", port: 0, tenants: [], throttlingEnabled: false),
                                           logger: logger)
        let http = try HTTPClient(logger: logger)
        do {
            let fixture = try await simulator.makeFixture(tenant: "contoso", permissions: ["Organization.Read.All"])
            let transport = FailingFirstTransport(inner: http, failure: failure)
            let client = GraphClient(configuration: GraphConfiguration(graphBaseURL: fixture.baseURL + "/v1.0", loginBaseURL: fixture.baseURL,
                                                                       initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(100)),
                                     transport: transport, logger: logger)
            let secret = fixture.secret.value
            let session = client.session(for: GraphIdentity(tenant: fixture.tenant.id, clientID: fixture.application.clientId)) {
                .clientSecret(SecretBytes(copying: Array(secret.utf8)))
            }
            // A first request fills the connection pool, so the retry below would otherwise reuse it.
            _ = try await session.send(.get("/organization"))
            transport.failNext(2)
            _ = try await session.send(.get("/organization"))
            _ = try await session.send(.get("/organization"))
            // Requests: ok, failed, failed (retry), ok (retry); then ok.
            #expect(transport.freshFlags == [false, false, true, true, false])
            // The retry that got through opened its own connection.
            #expect(transport.newConnections.count == 3)
            #expect(transport.newConnections[1] == 1)
            await http.shutdown()
            await simulator.stop()
        } catch {
            await http.shutdown()
            await simulator.stop()
            throw error
        }
    }
}
