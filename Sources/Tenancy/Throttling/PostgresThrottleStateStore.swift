public import Foundation
public import Graph
public import Postgres

/// The Graph throttle state in `graph_throttle`, shared by every worker: a `Retry-After` one worker
/// receives makes all of them wait (invariant 7).
///
/// The row is keyed by the tenant and app the Graph client signs in as; a block only ever grows
/// (`GREATEST`), so a shorter `Retry-After` from a racing worker cannot shorten another's.
public struct PostgresThrottleStateStore: ThrottleStateStore {
    public let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    public func blockedUntil(_ identity: GraphIdentity) async throws -> Date? {
        // The database's clock decides, so workers with skewed clocks agree on the window.
        guard let row = try await self.client.query("""
            SELECT extract(epoch FROM blocked_until - now())::float8 AS remaining
            FROM graph_throttle WHERE tenant = \(identity.tenant) AND client_id = \(identity.clientID)
            """).first else { return nil }
        let remaining = try row.decode(Double.self, "remaining")
        return remaining > 0 ? Date().addingTimeInterval(remaining) : nil
    }

    public func block(_ identity: GraphIdentity, until: Date, reason: String) async throws {
        let seconds = max(0, until.timeIntervalSinceNow)
        try await self.client.query("""
            INSERT INTO graph_throttle (tenant, client_id, blocked_until, reason)
            VALUES (\(identity.tenant), \(identity.clientID), now() + make_interval(secs => \(seconds)), \(reason))
            ON CONFLICT (tenant, client_id) DO UPDATE
            SET blocked_until = GREATEST(graph_throttle.blocked_until, EXCLUDED.blocked_until),
                reason = EXCLUDED.reason, updated_at = now()
            """)
    }
}
