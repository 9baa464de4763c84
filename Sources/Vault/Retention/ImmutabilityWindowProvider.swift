public import Foundation
public import Postgres

/// How long a tenant's blobs must stay undeletable: the immutability window of its policy.
public protocol ImmutabilityWindowProvider: Sendable {
    /// The tenant's immutability window in seconds; 0 when it has none.
    func immutabilityWindow(tenantID: UUID) async throws -> TimeInterval
}

/// Reads `policies.immutability_window` through `tenants.policy_id` (migration 0005). A tenant
/// without a policy has no window.
public struct PostgresImmutabilityWindowProvider: ImmutabilityWindowProvider {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    public func immutabilityWindow(tenantID: UUID) async throws -> TimeInterval {
        let rows = try await self.client.query("""
            SELECT coalesce(extract(epoch FROM p.immutability_window), 0)::float8 AS seconds
            FROM tenants t LEFT JOIN policies p ON p.id = t.policy_id WHERE t.id = \(tenantID)
            """)
        return try rows.first?.decode(Double.self, "seconds") ?? 0
    }
}

/// A fixed window for every tenant (tests, single-policy deployments).
public struct FixedImmutabilityWindow: ImmutabilityWindowProvider {
    public let seconds: TimeInterval

    public init(seconds: TimeInterval) {
        self.seconds = seconds
    }

    public func immutabilityWindow(tenantID: UUID) async throws -> TimeInterval { self.seconds }
}
