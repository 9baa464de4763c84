import Foundation
public import Logging

/// Microsoft Graph for every tenant of a process: one token cache, one throttle store, one pacer.
/// `session(for:credential:)` gives the requests of one tenant and app.
public struct GraphClient: Sendable {
    public let configuration: GraphConfiguration
    public let transport: any GraphTransport
    public let tokens: GraphTokenProvider
    public let throttleStore: any ThrottleStateStore
    public let pacer: ResourceUnitPacer
    /// The app-wide budget sessions of a shared multi-tenant app draw from; nil: none.
    public let appBudget: (any GraphAppBudget)?
    public let logger: Logger

    public init(
        configuration: GraphConfiguration = GraphConfiguration(),
        transport: any GraphTransport,
        throttleStore: any ThrottleStateStore = InMemoryThrottleStateStore(),
        pacer: ResourceUnitPacer = ResourceUnitPacer(),
        appBudget: (any GraphAppBudget)? = nil,
        logger: Logger
    ) {
        self.appBudget = appBudget
        self.configuration = configuration
        self.transport = transport
        self.tokens = GraphTokenProvider(configuration: configuration, transport: transport, logger: logger)
        self.throttleStore = throttleStore
        self.pacer = pacer
        self.logger = logger
    }

    /// Requests as `identity`; `credential` is asked for only when a token must be fetched.
    /// `sharedApp`: the app is the MSP's multi-tenant app, whose requests also draw from
    /// ``appBudget`` (Graph's per-app limits span every tenant). `logger`: the caller's (a job's,
    /// an API request's), so every request line carries its metadata; the client's when nil.
    public func session(for identity: GraphIdentity, sharedApp: Bool = false, logger: Logger? = nil,
                        credential: @escaping GraphTokenProvider.CredentialSource) -> GraphSession {
        GraphSession(client: self, identity: identity, sharesAppBudget: sharedApp, logger: logger ?? self.logger,
                     credential: credential)
    }
}
