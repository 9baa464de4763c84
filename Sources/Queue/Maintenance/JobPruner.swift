public import Logging
public import Postgres

/// Deletes finished jobs and history older than a configurable age, in bounded batches.
public struct JobPruner: MaintenanceTask {
    public let client: PostgresClient
    public let logger: Logger
    public let interval: Duration
    /// Finished jobs and history rows older than this are deleted. Default 7 days.
    public let retention: Duration
    public var name: String { "pruner" }

    public init(client: PostgresClient, retention: Duration = .seconds(7 * 86_400), interval: Duration = .seconds(60), logger: Logger) {
        self.client = client
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    @discardableResult
    public func runOnce() async throws -> Int {
        let seconds = retention.seconds
        var total = 0
        // Batches keep each transaction short, so pruning never holds locks workers wait on. History
        // rows are deleted by ctid: job_events has no index on id alone (migration 0013).
        while true {
            let jobs = try await storage("prune jobs") {
                try await client.query("""
                    DELETE FROM jobs WHERE id IN (
                        SELECT id FROM jobs WHERE state IN ('completed', 'discarded', 'cancelled')
                          AND finalized_at < now() - make_interval(secs => \(seconds)) LIMIT 10000)
                    """)
            }
            let events = try await storage("prune history") {
                try await client.query("""
                    DELETE FROM job_events WHERE ctid = ANY(ARRAY(
                        SELECT ctid FROM job_events WHERE at < now() - make_interval(secs => \(seconds)) LIMIT 10000))
                    """)
            }
            total += jobs.affectedRows + events.affectedRows
            if jobs.affectedRows < 10000 && events.affectedRows < 10000 { return total }
            try Task.checkCancellation()
        }
    }
}
