import Foundation
import Graph

/// Spaces requests to conditional access endpoints of one tenant: Graph allows one per second per
/// tenant across all apps and answers more with 429 without `Retry-After`, which would leave the
/// client guessing with backoff. Shared by every reader and writer in the process.
actor ConditionalAccessGate {
    static let shared = ConditionalAccessGate()

    private var next: [String: ContinuousClock.Instant] = [:]

    /// Waits for this tenant's next slot, `interval` after the previous one.
    func wait(tenant: String, interval: Duration) async throws {
        let now = ContinuousClock.now
        let slot = max(now, self.next[tenant] ?? now)
        self.next[tenant] = slot + interval
        if slot > now { try await Task.sleep(until: slot, clock: .continuous) }
    }

    static func isConditionalAccess(_ path: String) -> Bool {
        path.contains("/identity/conditionalAccess/")
    }
}

extension GraphSession {
    /// `send`, through the conditional access gate when the path needs it.
    func sendPaced(_ request: GraphRequest, interval: Duration = .milliseconds(1_050)) async throws -> GraphResponse {
        if ConditionalAccessGate.isConditionalAccess(request.path) {
            try await ConditionalAccessGate.shared.wait(tenant: self.identity.tenant, interval: interval)
        }
        return try await self.send(request)
    }
}
