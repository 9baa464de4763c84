public import Logging
public import Postgres

/// Moves scheduled and retryable jobs whose time has come to available.
public struct ScheduledJobPromoter: MaintenanceTask {
    public let client: PostgresClient
    public let logger: Logger
    public let interval: Duration
    public var name: String { "promoter" }

    public init(client: PostgresClient, interval: Duration = .seconds(1), logger: Logger) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    @discardableResult
    public func runOnce() async throws -> Int {
        // Promoted jobs join at the queue's head: they have waited their turn already.
        let result = try await storage("promote") {
            try await client.query("""
                UPDATE jobs SET state = 'available',
                    fair_seq = coalesce((SELECT min(fair_seq) FROM jobs h WHERE h.state = 'available'), 0)
                WHERE id IN (SELECT id FROM jobs WHERE state IN ('scheduled', 'retryable') AND run_at <= now()
                             ORDER BY run_at LIMIT 5000 FOR UPDATE SKIP LOCKED)
                  AND state IN ('scheduled', 'retryable')
                """)
        }
        return result.affectedRows
    }
}
