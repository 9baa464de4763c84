public import Logging
public import Postgres

/// Makes running jobs whose lease expired (their worker died or lost the database) available again.
///
/// The state is checked in the same UPDATE, so a job its worker completed a moment ago is left
/// alone (River #1302). An expired attempt counts: a job that kills its worker every time is
/// discarded after its maximum attempts instead of being rescued for ever. A job whose row is
/// locked is skipped until the next round: its worker's transaction is still open (a worker cut off
/// mid-commit keeps it until the server drops the session), and waiting for it would hold up the
/// rescue of every other job.
public struct JobRescuer: MaintenanceTask {
    public let client: PostgresClient
    public let logger: Logger
    public let interval: Duration
    public var name: String { "rescuer" }

    public init(client: PostgresClient, interval: Duration = .seconds(5), logger: Logger) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    @discardableResult
    public func runOnce() async throws -> Int {
        let rows = try await storage("rescue") {
            try await client.query("""
                WITH expired AS (
                    SELECT id, tenant_id FROM jobs WHERE state = 'running' AND lease_expires_at < now() LIMIT 1000
                    FOR UPDATE SKIP LOCKED
                ),
                placed AS (SELECT expired.id, \(unescaped: FairQueue.returningPlace(source: "expired")) AS fair_seq FROM expired)
                UPDATE jobs SET
                    state = CASE WHEN cancel_requested THEN 'cancelled'
                                 WHEN attempt >= max_attempts THEN 'discarded'
                                 ELSE 'available' END,
                    finalized_at = CASE WHEN cancel_requested OR attempt >= max_attempts THEN now() END,
                    run_at = now(),
                    lease_expires_at = NULL,
                    fair_seq = placed.fair_seq,
                    errors = errors || jsonb_build_array(jsonb_build_object(
                        'attempt', attempt, 'at', extract(epoch FROM now()),
                        'error', 'lease expired: the worker stopped heart-beating', 'permanent', false, 'worker_id', worker_id))
                FROM placed
                WHERE jobs.id = placed.id AND jobs.state = 'running' AND jobs.lease_expires_at < now()
                RETURNING jobs.id, jobs.kind, jobs.tenant_id, jobs.worker_id, jobs.attempt, jobs.state
                """)
        }
        for row in rows {
            logger.notice("rescued a job whose lease expired", metadata: [
                "job.id": "\(row["id"] ?? "")", "job.kind": "\(row["kind"] ?? "")", "tenant.id": "\(row["tenant_id"] ?? "")",
                "job.attempt": "\(row["attempt"] ?? "")", "worker.id": "\(row["worker_id"] ?? "")", "job.state": "\(row["state"] ?? "")",
            ])
        }
        return rows.count
    }
}
