public import ServiceLifecycle

/// The pool as a swift-service-lifecycle `Service`, as postgres-nio's `PostgresClient` is: put it
/// first in a `ServiceGroup` (the group stops services in reverse order, so the pool closes after
/// everything that queries through it) and the group owns its shutdown.
extension PostgresClient: Service {
    /// Waits for graceful shutdown (or cancellation) of the group, then shuts the pool down.
    public func run() async throws {
        // Cancellation ends the wait too; either way the pool is closed exactly once, here.
        try? await gracefulShutdown()
        await self.shutdown()
    }
}
