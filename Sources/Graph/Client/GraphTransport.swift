public import HTTP
public import Logging

/// What the Graph client sends requests through: `HTTPClient` in production; tests may wrap it
/// to count or observe requests.
public protocol GraphTransport: Sendable {
    /// Sends `request`, logging with `logger` (the caller's; the transport's own when nil).
    func execute(_ request: HTTPRequest, logger: Logger?) async throws -> HTTPResponse
}

extension HTTPClient: GraphTransport {}
