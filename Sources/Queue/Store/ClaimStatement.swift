import Foundation
import Postgres

/// The text and parameters of the claim statement.
///
/// The limits are written into the text as literals, not bound: with `LIMIT $n` the planner cannot
/// cost a generic plan, so a prepared claim was re-planned on every execution (about 0.45 ms, as
/// long as running it). With literals each distinct text is prepared once per connection and runs
/// its cached generic plan from the sixth execution on. A worker's limits range over
/// 1…concurrency, so a connection holds at most that many variants.
///
/// The statement writes the claimed jobs' history rows itself (`JobHistory`).
struct ClaimStatement {
    let workerID: UUID
    let limit: Int
    let lease: Duration
    let kinds: [JobKind]?
    /// At most this many of the claimed jobs may be non-interactive (``QueuePriority``); nil: no
    /// limit. A worker passes it when only its reserved interactive slots are free.
    var bulkLimit: Int? = nil

    /// Candidates locked per claim: twice the limit when tenant-exclusive jobs may be among them
    /// (the per-tenant rule may skip some, and they must not starve the claim), else the limit.
    var candidateLimit: Int {
        let exclusivePossible = kinds.map { !JobKind.tenantExclusive.isDisjoint(with: $0) } ?? true
        return exclusivePossible ? limit * 2 : limit
    }

    var query: PostgresQuery {
        var query = PostgresQuery(unsafeSQL: "")
        func bind(_ value: some PostgresEncodable) -> String {
            query.binds.append(value.postgresData)
            return "$\(query.binds.count)"
        }
        let exclusive = "'{\(JobKind.tenantExclusive.map(\.rawValue).sorted().joined(separator: ","))}'::text[]"
        // Interactive jobs sort first (lower priority); the bulk rank counts only the others.
        let chosen = bulkLimit.map { bulkLimit in
            """
            SELECT id FROM (
                SELECT id, priority, fair_seq,
                       count(*) FILTER (WHERE priority >= \(QueuePriority.interactiveBelow)) OVER (ORDER BY priority, fair_seq, id) AS bulk_rank
                FROM ranked WHERE tenant_rank = 1) r
            WHERE priority < \(QueuePriority.interactiveBelow) OR bulk_rank <= \(max(0, bulkLimit))
            ORDER BY priority, fair_seq, id LIMIT \(limit)
            """
        } ?? "SELECT id FROM ranked WHERE tenant_rank = 1 ORDER BY priority, fair_seq, id LIMIT \(limit)"
        let kindFilter = kinds.map { "AND j.kind = ANY(\(bind($0.map(\.rawValue)))::text[])" } ?? ""
        query.sql = """
            WITH candidates AS (
                SELECT j.id, j.tenant_id, j.kind, j.priority, j.fair_seq
                FROM jobs j
                WHERE j.state = 'available' \(kindFilter)
                  AND NOT (j.kind = ANY(\(exclusive)) AND EXISTS (
                        SELECT 1 FROM jobs r
                        WHERE r.tenant_id = j.tenant_id AND r.state = 'running' AND r.kind = ANY(\(exclusive))))
                  AND (j.kind <> ALL(\(exclusive)) OR j.tenant_id IS NULL
                       OR pg_try_advisory_xact_lock(\(JobClaimer.tenantLockSpace)::int, hashtext(j.tenant_id::text)))
                ORDER BY j.priority, j.fair_seq, j.id
                LIMIT \(candidateLimit)
                FOR UPDATE SKIP LOCKED
            ),
            ranked AS (
                SELECT id, priority, fair_seq,
                       CASE WHEN kind = ANY(\(exclusive)) AND tenant_id IS NOT NULL
                            THEN row_number() OVER (PARTITION BY tenant_id, kind = ANY(\(exclusive)) ORDER BY priority, fair_seq, id)
                            ELSE 1 END AS tenant_rank
                FROM candidates
            ),
            chosen AS (\(chosen)),
            claimed AS (
                UPDATE jobs SET
                    state = 'running',
                    attempt = jobs.attempt + 1,
                    attempt_id = gen_random_uuid(),
                    worker_id = \(bind(workerID)),
                    attempted_at = now(),
                    heartbeat_at = now(),
                    lease_expires_at = now() + make_interval(secs => \(bind(lease.seconds))),
                    progress = NULL
                FROM chosen, \(JobHistory.skipTrigger)
                WHERE jobs.id = chosen.id
                RETURNING \(Job.columnsOfJobsTable)
            ),
            recorded AS (\(JobHistory.insert(from: "claimed")))
            SELECT \(Job.columns) FROM claimed
            """
        return query
    }
}
