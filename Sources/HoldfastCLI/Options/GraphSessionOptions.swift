import Cryptography
import Foundation
import Graph
import HTTP
import Jobs
import Logging
import Postgres
import Tenancy

/// Opens Graph sessions for registered tenants from the CLI: the master key opens their sealed
/// credentials; base URLs from `HOLDFAST_GRAPH_BASE_URL` / `HOLDFAST_LOGIN_BASE_URL`.
enum CommandGraph {
    static func withSessions<T: Sendable>(client: PostgresClient, logger: Logger,
                                          _ body: (any GraphSessionProvider) async throws -> T) async throws -> T {
        let ring = try MasterKeyRing(environment: ProcessInfo.processInfo.environment)
        let http = try HTTPClient(logger: logger)
        let environment = ProcessInfo.processInfo.environment
        let configuration = GraphConfiguration(
            graphBaseURL: environment["HOLDFAST_GRAPH_BASE_URL"] ?? GraphCloud.global.graphBaseURL,
            loginBaseURL: environment["HOLDFAST_LOGIN_BASE_URL"] ?? GraphCloud.global.loginBaseURL)
        let graph = GraphClient(configuration: configuration, transport: http, throttleStore: PostgresThrottleStateStore(client: client),
                                logger: logger)
        let provider = TenancyGraphSessionProvider(client: graph, credentials: TenantCredentialStore(client: client, keyRing: ring, logger: logger))
        do {
            let result = try await body(provider)
            await http.shutdown()
            return result
        } catch {
            await http.shutdown()
            throw error
        }
    }
}
