public import ServiceLifecycle

/// The client as a swift-service-lifecycle `Service`: in a `ServiceGroup` before the services that
/// make requests through it, so it is shut down after them, by the group.
extension HTTPClient: Service {
    /// Waits for graceful shutdown (or cancellation) of the group, then stops the transfer thread.
    public func run() async throws {
        try? await gracefulShutdown()
        await self.shutdown()
    }
}
