public import Hummingbird
import Logging

/// The request context of every API route: who is calling, the request id, and the body limit.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the route table once the key is checked; nil only on `anonymous` routes.
    public var principal: APIPrincipal?
    /// The caller's `X-Request-Id` when it sent a usable one, else one made up here; echoed in
    /// the response header and in error bodies, and logged as `request.id`.
    public var requestID: String = ""
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int = APIConfiguration.defaultMaxBodyBytes

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { maxBodyBytes }

    /// The principal of a route that is not `anonymous` (the table has checked the key).
    public func requirePrincipal() throws -> APIPrincipal {
        guard let principal else { throw APIError(.unauthenticated, "this route needs an API key") }
        return principal
    }
}
