public import Graph
public import Postgres

/// The shared multi-tenant app's Graph budget in `graph_app_budget`, drawn from by every worker:
/// two token buckets per client id (resource units per window, requests per second), refilled
/// and taken from in one statement under the rows' locks, on the database's clock.
///
/// A reservation that overdraws a bucket returns the wait until it is back to zero, and the
/// debt stays, so later callers queue behind it instead of all sending when it refills.
public struct PostgresAppBudget: GraphAppBudget {
    public let client: PostgresClient
    public let limits: GraphAppLimits

    public init(client: PostgresClient, limits: GraphAppLimits = .documented) {
        self.client = client
        self.limits = limits
    }

    public func reserve(units: Int, clientID: String) async throws -> Duration {
        let unitCapacity = self.limits.resourceUnits * self.limits.headroom
        let unitRate = unitCapacity / max(self.limits.resourceUnitWindow.seconds, 0.001)
        let requestCapacity = self.limits.requestsPerSecond * self.limits.headroom
        let rows = try await self.client.query("""
            INSERT INTO graph_app_budget AS b (client_id, scope, available, capacity, refill_per_second, updated_at)
            VALUES (\(clientID.lowercased()), 'units', \(unitCapacity - Double(units)), \(unitCapacity), \(unitRate), clock_timestamp()),
                   (\(clientID.lowercased()), 'requests', \(requestCapacity - 1), \(requestCapacity), \(requestCapacity), clock_timestamp())
            ON CONFLICT (client_id, scope) DO UPDATE SET
                available = LEAST(EXCLUDED.capacity, b.available
                        + GREATEST(0, extract(epoch FROM clock_timestamp() - b.updated_at)) * EXCLUDED.refill_per_second)
                    - (EXCLUDED.capacity - EXCLUDED.available),
                capacity = EXCLUDED.capacity, refill_per_second = EXCLUDED.refill_per_second, updated_at = clock_timestamp()
            RETURNING available, refill_per_second
            """)
        var wait = 0.0
        for row in rows.rows {
            let available = try row.decode(Double.self, "available")
            let rate = try row.decode(Double.self, "refill_per_second")
            if available < 0 { wait = max(wait, -available / rate) }
        }
        return .milliseconds(Int64((wait * 1000).rounded(.up)))
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
