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
        // Promoted jobs are placed as if their tenant enqueued them now (`FairQueue`).
        let result = try await storage("promote") {
            try await client.query("""
                WITH due AS (
                    SELECT id, tenant_id FROM jobs WHERE state IN ('scheduled', 'retryable') AND run_at <= now()
                    ORDER BY run_at LIMIT 5000 FOR UPDATE SKIP LOCKED
                ),
                placed AS (SELECT due.id, \(unescaped: FairQueue.returningPlace(source: "due")) AS fair_seq FROM due)
                UPDATE jobs SET state = 'available', fair_seq = placed.fair_seq
                FROM placed
                WHERE jobs.id = placed.id AND jobs.state IN ('scheduled', 'retryable')
                """)
        }
        return result.affectedRows
    }
}
