import Foundation
public import Logging
public import Postgres

/// Records what happened to running jobs. Every write is conditional on the claim (job, worker,
/// attempt) still holding and the job still running, so a worker that lost its lease, or a job
/// that was cancelled or rescued meanwhile, is never overwritten.
public struct JobCompleter: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// What a completion that found no outcome record writes: the attempt's outcome is gone.
    static let outcomeLostError = "the attempt's outcome (its snapshot) is not in this database although the attempt committed it: "
        + "the commit was lost (a failover to a standby that had not received it); the job runs again"

    /// Marks the jobs completed, in one statement. Returns the claims that were still held (the
    /// others were rescued, cancelled or re-claimed and are left as they are).
    ///
    /// A job of one of `outcomeKinds` (kinds whose handlers commit their outcome themselves, with
    /// ``JobClaim/recordOutcome(on:)``) completes only if this database holds its attempt's outcome
    /// record; otherwise the same statement makes it available again at once (as the rescuer does)
    /// with an error saying the outcome was lost, and its claim is not returned.
    @discardableResult
    public func complete(_ claims: [JobClaim], outcomeKinds: [JobKind] = []) async throws -> Set<JobClaim> {
        guard !claims.isEmpty else { return [] }
        let ids = claims.map(\.jobID)
        let workers = claims.map(\.workerID)
        let attempts = claims.map(\.attempt)
        let attemptIDs = claims.map(\.attemptID)
        let kinds = outcomeKinds.map(\.rawValue)
        let lostError = Self.outcomeLostError
        let rows = try await storage("complete") {
            // Writes its own history rows (`JobHistory`): completions run for every job. The two
            // UPDATEs touch disjoint rows (a job has its outcome record or it does not).
            try await client.query(PostgresQuery("""
                WITH claims AS (
                    SELECT * FROM unnest(\(ids)::bigint[], \(workers)::uuid[], \(attempts)::int[], \(attemptIDs)::uuid[]) AS c(id, worker_id, attempt, attempt_id)
                ),
                completed AS (
                    UPDATE jobs SET state = 'completed', finalized_at = now(), lease_expires_at = NULL
                    FROM claims c, \(unescaped: JobHistory.skipTrigger)
                    WHERE jobs.id = c.id AND jobs.attempt_id = c.attempt_id AND jobs.worker_id = c.worker_id AND jobs.attempt = c.attempt AND jobs.state = 'running'
                      AND (jobs.kind <> ALL (\(kinds)::text[]) OR jobs.outcome_attempt_id = c.attempt_id)
                    RETURNING \(unescaped: JobHistory.historyColumns)
                ),
                outcome_lost AS (
                    SELECT j.id, j.tenant_id FROM jobs j JOIN claims c
                      ON j.id = c.id AND j.attempt_id = c.attempt_id AND j.worker_id = c.worker_id AND j.attempt = c.attempt
                    WHERE j.state = 'running' AND j.kind = ANY (\(kinds)::text[]) AND j.outcome_attempt_id IS DISTINCT FROM c.attempt_id
                ),
                placed AS (SELECT outcome_lost.id, \(unescaped: FairQueue.returningPlace(source: "outcome_lost")) AS fair_seq FROM outcome_lost),
                lost AS (
                    UPDATE jobs SET state = 'available', run_at = now(), lease_expires_at = NULL, fair_seq = placed.fair_seq,
                        errors = errors || jsonb_build_array(jsonb_build_object(
                            'attempt', jobs.attempt, 'at', extract(epoch FROM now()), 'error', \(lostError)::text,
                            'permanent', false, 'worker_id', jobs.worker_id))
                    FROM placed, \(unescaped: JobHistory.skipTrigger)
                    WHERE jobs.id = placed.id AND jobs.state = 'running'
                    RETURNING \(unescaped: JobHistory.historyColumns)
                ),
                recorded AS (\(unescaped: JobHistory.insert(from: "completed"))),
                recorded_lost AS (\(unescaped: JobHistory.insert(from: "lost")))
                SELECT id FROM completed
                """).prepared())
        }
        let completed = Set(try rows.map { try $0.decode(Int64.self, "id") })
        return Set(claims.filter { completed.contains($0.jobID) })
    }

    /// What a failure did to the job.
    public enum FailureOutcome: String, Sendable, Hashable {
        /// It will run again after `runAt`.
        case retryable
        /// It will not run again (maximum attempts reached, or a permanent error).
        case discarded
        /// The claim no longer held; nothing was written.
        case claimLost
    }

    /// Records a failed attempt: retryable after `retryPolicy`'s delay, or discarded when the
    /// attempts are used up or the error is permanent. The error is appended to the job's errors.
    public func fail(_ claim: JobClaim, error message: String, permanent: Bool, retryPolicy: RetryPolicy) async throws -> FailureOutcome {
        let delay = retryPolicy.delay(afterAttempt: claim.attempt).seconds
        let rows = try await storage("fail") {
            try await client.query("""
                UPDATE jobs SET
                    state = CASE WHEN \(permanent) OR attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END,
                    run_at = CASE WHEN \(permanent) OR attempt >= max_attempts THEN run_at
                                  ELSE now() + make_interval(secs => \(delay)) END,
                    finalized_at = CASE WHEN \(permanent) OR attempt >= max_attempts THEN now() END,
                    lease_expires_at = NULL,
                    errors = errors || jsonb_build_array(jsonb_build_object(
                        'attempt', attempt, 'at', extract(epoch FROM now()), 'error', \(message)::text,
                        'permanent', \(permanent)::boolean, 'worker_id', \(claim.workerID)::uuid))
                WHERE id = \(claim.jobID) AND attempt_id = \(claim.attemptID) AND worker_id = \(claim.workerID) AND attempt = \(claim.attempt)
                  AND state = 'running'
                RETURNING state
                """)
        }
        guard let state = try rows.first?.decode(String.self, "state") else { return .claimLost }
        return state == "discarded" ? .discarded : .retryable
    }

    /// Marks running jobs cancelled after their handlers stopped on an operator's request.
    @discardableResult
    public func markCancelled(_ claims: [JobClaim]) async throws -> Set<Job.ID> {
        guard !claims.isEmpty else { return [] }
        let ids = claims.map(\.jobID)
        let workers = claims.map(\.workerID)
        let attempts = claims.map(\.attempt)
        let attemptIDs = claims.map(\.attemptID)
        let rows = try await storage("cancel") {
            try await client.query("""
                UPDATE jobs SET state = 'cancelled', finalized_at = now(), lease_expires_at = NULL
                FROM unnest(\(ids)::bigint[], \(workers)::uuid[], \(attempts)::int[], \(attemptIDs)::uuid[]) AS c(id, worker_id, attempt, attempt_id)
                WHERE jobs.id = c.id AND jobs.attempt_id = c.attempt_id AND jobs.worker_id = c.worker_id AND jobs.attempt = c.attempt AND jobs.state = 'running'
                RETURNING jobs.id
                """)
        }
        return Set(try rows.map { try $0.decode(Int64.self, "id") })
    }

    /// Gives jobs back without burning their attempt (graceful shutdown): available again at once,
    /// placed as if their tenants enqueued them now (`FairQueue`).
    @discardableResult
    public func handBack(_ claims: [JobClaim]) async throws -> Set<Job.ID> {
        guard !claims.isEmpty else { return [] }
        let ids = claims.map(\.jobID)
        let workers = claims.map(\.workerID)
        let attempts = claims.map(\.attempt)
        let attemptIDs = claims.map(\.attemptID)
        let rows = try await storage("hand back") {
            try await client.query("""
                WITH held AS (
                    SELECT j.id, j.tenant_id FROM jobs j
                    JOIN unnest(\(ids)::bigint[], \(workers)::uuid[], \(attempts)::int[], \(attemptIDs)::uuid[]) AS c(id, worker_id, attempt, attempt_id)
                      ON j.id = c.id AND j.attempt_id = c.attempt_id AND j.worker_id = c.worker_id AND j.attempt = c.attempt
                    WHERE j.state = 'running'
                ),
                placed AS (SELECT held.id, \(unescaped: FairQueue.returningPlace(source: "held")) AS fair_seq FROM held)
                UPDATE jobs SET
                    state = CASE WHEN jobs.cancel_requested THEN 'cancelled' ELSE 'available' END,
                    finalized_at = CASE WHEN jobs.cancel_requested THEN now() END,
                    attempt = jobs.attempt - 1, lease_expires_at = NULL, run_at = now(),
                    fair_seq = placed.fair_seq
                FROM unnest(\(ids)::bigint[], \(workers)::uuid[], \(attempts)::int[], \(attemptIDs)::uuid[]) AS c(id, worker_id, attempt, attempt_id), placed
                WHERE jobs.id = c.id AND jobs.attempt_id = c.attempt_id AND jobs.worker_id = c.worker_id AND jobs.attempt = c.attempt AND jobs.state = 'running'
                  AND placed.id = jobs.id
                RETURNING jobs.id
                """)
        }
        return Set(try rows.map { try $0.decode(Int64.self, "id") })
    }

    /// What a heartbeat learned about one held job.
    public enum HeartbeatStatus: Sendable, Hashable {
        /// Lease extended.
        case held
        /// Lease extended, and an operator asked to cancel the job.
        case cancelRequested
        /// The claim no longer holds (rescued, re-claimed or finished elsewhere): stop the handler.
        case lost
    }

    /// Extends the leases of every held job in one statement and reports each job's status.
    public func heartbeat(_ claims: [JobClaim], lease: Duration) async throws -> [Job.ID: HeartbeatStatus] {
        guard !claims.isEmpty else { return [:] }
        let ids = claims.map(\.jobID)
        let workers = claims.map(\.workerID)
        let attempts = claims.map(\.attempt)
        let attemptIDs = claims.map(\.attemptID)
        let rows = try await storage("heartbeat") {
            try await client.query(PostgresQuery("""
                UPDATE jobs SET heartbeat_at = now(), lease_expires_at = now() + make_interval(secs => \(lease.seconds))
                FROM unnest(\(ids)::bigint[], \(workers)::uuid[], \(attempts)::int[], \(attemptIDs)::uuid[]) AS c(id, worker_id, attempt, attempt_id)
                WHERE jobs.id = c.id AND jobs.attempt_id = c.attempt_id AND jobs.worker_id = c.worker_id AND jobs.attempt = c.attempt AND jobs.state = 'running'
                RETURNING jobs.id, jobs.cancel_requested
                """).prepared())
        }
        var statuses = Dictionary(uniqueKeysWithValues: claims.map { ($0.jobID, HeartbeatStatus.lost) })
        for row in rows {
            statuses[try row.decode(Int64.self, "id")] = try row.decode(Bool.self, "cancel_requested") ? .cancelRequested : .held
        }
        return statuses
    }

    /// Stores a running job's progress. Returns false when the claim no longer holds.
    @discardableResult
    public func reportProgress(_ claim: JobClaim, json: String) async throws -> Bool {
        let result = try await storage("progress") {
            try await client.query("""
                UPDATE jobs SET progress = \(json)::jsonb
                WHERE id = \(claim.jobID) AND attempt_id = \(claim.attemptID) AND worker_id = \(claim.workerID) AND attempt = \(claim.attempt)
                  AND state = 'running'
                """)
        }
        return result.affectedRows == 1
    }
}
