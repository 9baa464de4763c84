public import Foundation
public import Logging

/// Microsoft Graph for every tenant of a process: one token cache, one throttle store, one pacer.
/// `session(for:credential:)` gives the requests of one tenant and app.
public struct GraphClient: Sendable {
    public let configuration: GraphConfiguration
    public let transport: any GraphTransport
    public let tokens: GraphTokenProvider
    public let throttleStore: any ThrottleStateStore
    public let pacer: ResourceUnitPacer
    public let logger: Logger

    public init(
        configuration: GraphConfiguration = GraphConfiguration(),
        transport: any GraphTransport,
        throttleStore: any ThrottleStateStore = InMemoryThrottleStateStore(),
        pacer: ResourceUnitPacer = ResourceUnitPacer(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.transport = transport
        self.tokens = GraphTokenProvider(configuration: configuration, transport: transport, logger: logger)
        self.throttleStore = throttleStore
        self.pacer = pacer
        self.logger = logger
    }

    /// Requests as `identity`; `credential` is asked for only when a token must be fetched.
    public func session(for identity: GraphIdentity, credential: @escaping GraphTokenProvider.CredentialSource) -> GraphSession {
        GraphSession(client: self, identity: identity, credential: credential)
    }
}
