import HTTP
import Logging

/// Runs `body` with a new client and shuts the client down afterwards, whatever happens.
func withHTTPClient<Result: Sendable>(
    _ configuration: HTTPClient.Configuration = .init(),
    _ body: (HTTPClient) async throws -> Result
) async throws -> Result {
    let client = try HTTPClient(configuration: configuration, logger: Logger(label: "holdfast.test.http-client"))
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}
