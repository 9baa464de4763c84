public import Foundation
public import Graph
public import Logging
public import Postgres
import Synchronization

/// The Graph throttle state in `graph_throttle`, shared by every worker: a `Retry-After` one worker
/// receives makes all of them wait (invariant 7).
///
/// The row is keyed by the tenant and app the Graph client signs in as; a block only ever grows
/// (`GREATEST`), so a shorter `Retry-After` from a racing worker cannot shorten another's.
///
/// Every Graph request asks first, so an answer is kept for ``freshness`` (default 250 ms): a
/// large backup sends hundreds of requests a second, and a block another worker records is still
/// seen well within the seconds a `Retry-After` lasts. A block this process records is seen at once.
public struct PostgresThrottleStateStore: ThrottleStateStore {
    public let client: PostgresClient
    public let freshness: Duration
    private let cache = BlockCache()

    public init(client: PostgresClient, freshness: Duration = .milliseconds(250)) {
        self.client = client
        self.freshness = freshness
    }

    public func blockedUntil(_ identity: GraphIdentity, logger: Logger) async throws -> Date? {
        let now = ContinuousClock.now
        if let cached = self.cache.entries.withLock({ $0[identity] }), now - cached.checkedAt < self.freshness {
            return cached.until.flatMap { $0 > Date() ? $0 : nil }
        }
        // The database's clock decides, so workers with skewed clocks agree on the window.
        let row = try await self.client.query("""
            SELECT extract(epoch FROM blocked_until - now())::float8 AS remaining
            FROM graph_throttle WHERE tenant = \(identity.tenant) AND client_id = \(identity.clientID)
            """, logger: logger).first
        let remaining = try row.map { try $0.decode(Double.self, "remaining") } ?? 0
        let until = remaining > 0 ? Date().addingTimeInterval(remaining) : nil
        self.cache.entries.withLock { $0[identity] = BlockCache.Entry(checkedAt: now, until: until) }
        return until
    }

    public func block(_ identity: GraphIdentity, until: Date, reason: String, logger: Logger) async throws {
        let seconds = max(0, until.timeIntervalSinceNow)
        try await self.client.query("""
            INSERT INTO graph_throttle (tenant, client_id, blocked_until, reason)
            VALUES (\(identity.tenant), \(identity.clientID), now() + make_interval(secs => \(seconds)), \(reason))
            ON CONFLICT (tenant, client_id) DO UPDATE
            SET blocked_until = GREATEST(graph_throttle.blocked_until, EXCLUDED.blocked_until),
                reason = EXCLUDED.reason, updated_at = now()
            """, logger: logger)
        self.cache.entries.withLock { entries in
            let known = entries[identity]?.until ?? until
            entries[identity] = BlockCache.Entry(checkedAt: ContinuousClock.now, until: max(known, until))
        }
    }
}

/// The last answer per tenant and app, shared by the copies of one store.
private final class BlockCache: Sendable {
    struct Entry: Sendable {
        let checkedAt: ContinuousClock.Instant
        let until: Date?
    }

    let entries = Mutex<[GraphIdentity: Entry]>([:])
}
