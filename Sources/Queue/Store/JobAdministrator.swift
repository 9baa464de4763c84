import Foundation
public import Logging
public import Postgres

/// What operators do to jobs: look, cancel, retry.
public struct JobAdministrator: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func list(_ filter: JobFilter) async throws -> [Job] {
        let kinds = filter.kinds?.map(\.rawValue)
        let states = filter.states?.map(\.rawValue)
        let rows = try await storage("list jobs") {
            try await client.query("""
                SELECT \(unescaped: Job.columns) FROM jobs
                WHERE (\(filter.tenantID)::uuid IS NULL OR tenant_id = \(filter.tenantID)::uuid)
                  AND (\(filter.tenantIDs)::uuid[] IS NULL OR tenant_id = ANY(\(filter.tenantIDs)::uuid[]))
                  AND (\(kinds)::text[] IS NULL OR kind = ANY(\(kinds)::text[]))
                  AND (\(states)::text[] IS NULL OR state = ANY(\(states)::text[]))
                  AND (\(filter.beforeID)::bigint IS NULL OR id < \(filter.beforeID)::bigint)
                ORDER BY id DESC
                LIMIT \(max(1, filter.limit))
                """)
        }
        return try rows.map(Job.init(row:))
    }

    public func job(_ id: Job.ID) async throws -> Job {
        let rows = try await storage("show job") {
            try await client.query("SELECT \(unescaped: Job.columns) FROM jobs WHERE id = \(id)")
        }
        guard let row = rows.first else { throw QueueError(code: .jobNotFound, message: "no job \(id)") }
        return try Job(row: row)
    }

    /// The job's state changes, oldest first.
    public func history(_ id: Job.ID) async throws -> [JobEvent] {
        let rows = try await storage("job history") {
            try await client.query("""
                SELECT job_id, kind, tenant_id, state, attempt, worker_id, at FROM job_events WHERE job_id = \(id) ORDER BY id
                """)
        }
        return try rows.map(JobEvent.init(row:))
    }

    /// Cancels a job in any unfinished state. A running job is flagged; its worker sees the flag at
    /// its next heartbeat, cancels the handler and marks the job cancelled. Returns the job after.
    @discardableResult
    public func cancel(_ id: Job.ID) async throws -> Job {
        let rows = try await storage("cancel job") {
            try await client.query("""
                UPDATE jobs SET
                    state = CASE WHEN state = 'running' THEN 'running' ELSE 'cancelled' END,
                    cancel_requested = true,
                    finalized_at = CASE WHEN state = 'running' THEN NULL ELSE now() END
                WHERE id = \(id) AND state NOT IN ('completed', 'discarded', 'cancelled')
                RETURNING \(unescaped: Job.columns)
                """)
        }
        if let row = rows.first { return try Job(row: row) }
        let current = try await job(id)
        throw QueueError(code: .invalidState, message: "job \(id) is already \(current.state); only unfinished jobs can be cancelled")
    }

    /// Runs a failed (discarded, cancelled) or waiting (retryable, scheduled) job again now, with a
    /// fresh set of attempts. Its recorded errors are kept. A completed job ran to the end once
    /// (a backup committed its snapshot, a restore wrote to the tenant): running it again is only
    /// done when `includingCompleted` says so, never by a retry aimed at the wrong id. A job whose
    /// unique key another unfinished job now holds is refused with `invalidState`.
    @discardableResult
    public func retry(_ id: Job.ID, includingCompleted: Bool = false) async throws -> Job {
        let states = includingCompleted ? ["discarded", "cancelled", "completed", "retryable", "scheduled"]
                                        : ["discarded", "cancelled", "retryable", "scheduled"]
        let rows: [PostgresRow]
        do {
            rows = try await client.query("""
                WITH target AS (SELECT id, tenant_id FROM jobs WHERE id = \(id)),
                placed AS (SELECT target.id, \(unescaped: FairQueue.returningPlace(source: "target")) AS fair_seq FROM target)
                UPDATE jobs SET
                    state = 'available', run_at = now(), finalized_at = NULL, cancel_requested = false,
                    max_attempts = CASE WHEN jobs.state IN ('retryable', 'scheduled') THEN jobs.max_attempts ELSE jobs.attempt + jobs.max_attempts END,
                    fair_seq = placed.fair_seq
                FROM placed
                WHERE jobs.id = placed.id AND jobs.state = ANY (\(states)::text[])
                RETURNING \(unescaped: Job.columns(of: "jobs"))
                """).rows
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation {
            throw QueueError(code: .invalidState, message: "job \(id) cannot run again: another unfinished job with the same unique key exists",
                             underlying: error)
        } catch {
            throw QueueError(code: .storage, message: "retry job failed: \(error)", underlying: error)
        }
        if let row = rows.first { return try Job(row: row) }
        let current = try await job(id)
        if current.state == .completed {
            throw QueueError(code: .invalidState, message: "job \(id) completed; running a completed job again must be asked for explicitly (holdfast jobs retry --completed)")
        }
        throw QueueError(code: .invalidState, message: "job \(id) is \(current.state); only failed, cancelled, retryable or scheduled jobs can be retried")
    }

    /// Jobs by state, for queue-depth metrics and `holdfast jobs`.
    public func countsByState() async throws -> [JobState: Int] {
        let rows = try await storage("count jobs") {
            try await client.query("SELECT state, count(*) AS n FROM jobs GROUP BY state")
        }
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        for row in rows {
            if let state = JobState(rawValue: try row.decode(String.self, "state")) { counts[state] = try row.decode(Int.self, "n") }
        }
        return counts
    }

    /// Seconds the oldest available job of each kind has waited since it could first run (its
    /// `run_at`), by the database's clock. Kinds with no available job are absent.
    public func oldestAvailableAgeByKind() async throws -> [JobKind: Double] {
        let rows = try await storage("oldest available jobs") {
            try await client.query("""
                SELECT kind, greatest(0, extract(epoch FROM now() - min(run_at)))::float8 AS age
                FROM jobs WHERE state = 'available' GROUP BY kind
                """)
        }
        var ages: [JobKind: Double] = [:]
        for row in rows { ages[JobKind(try row.decode(String.self, "kind"))] = try row.decode(Double.self, "age") }
        return ages
    }
}

extension JobEvent {
    init(row: PostgresRow) throws {
        let stateText = try row.decode(String.self, "state")
        guard let state = JobState(rawValue: stateText) else {
            throw QueueError(code: .storage, message: "job event has unknown state '\(stateText)'")
        }
        self.init(
            jobID: try row.decode(Int64.self, "job_id"), kind: JobKind(try row.decode(String.self, "kind")),
            tenantID: try row.decode(UUID?.self, "tenant_id"), state: state, attempt: try row.decode(Int.self, "attempt"),
            workerID: try row.decode(UUID?.self, "worker_id"), at: try row.decode(Date.self, "at")
        )
    }
}
