public import HTTP

/// What the Graph client sends requests through: `HTTPClient` in production; tests may wrap it
/// to count or observe requests.
public protocol GraphTransport: Sendable {
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse
}

extension HTTPClient: GraphTransport {}
