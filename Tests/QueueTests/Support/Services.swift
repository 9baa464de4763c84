import HoldfastTesting
import Logging
import ServiceLifecycle

/// Runs `services` in one ServiceGroup while `body` runs, then shuts them down gracefully.
func withServices<T: Sendable>(_ services: [any Service], _ body: (ServiceGroup) async throws -> T) async throws -> T {
    let group = ServiceGroup(services: services, logger: TestLogger.make())
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let value = try await body(group)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
