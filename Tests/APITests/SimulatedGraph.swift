import Cryptography
import Graph
import GraphSim
import HTTP
import Logging

/// graph-sim (not throttling) and a Graph client pointed at it, for the API tests that reach
/// tenants; both are stopped when `body` returns or throws.
enum SimulatedGraph {
    /// One RSA key for every simulator of the process (generating one per test is slow).
    static let signingKey: PrivateKey? = try? PrivateKey.generateRSA(bits: 2048)

    static func run(tenants: [TenantSpecification], logger: Logger,
                    _ body: (GraphSimulator, GraphClient) async throws -> Void) async throws {
        let simulator = try GraphSimulator(configuration: .init(host: "127.0.0.1", port: 0, tenants: tenants, throttlingEnabled: false,
                                                                signingKey: signingKey),
                                           logger: logger)
        let http = try HTTPClient(configuration: .init(), logger: logger)
        do {
            let base = try await simulator.start()
            let graph = GraphClient(configuration: GraphConfiguration(graphBaseURL: base + "/v1.0", loginBaseURL: base, maxAttempts: 3,
                                                                      initialBackoff: .milliseconds(50), maxBackoff: .seconds(1)),
                                    transport: http, throttleStore: InMemoryThrottleStateStore(), logger: logger)
            try await body(simulator, graph)
        } catch {
            await http.shutdown()
            await simulator.stop()
            throw error
        }
        await http.shutdown()
        await simulator.stop()
    }
}
