public import Foundation
public import Logging
public import Postgres

/// Claims available jobs for a worker, in one statement.
public struct JobClaimer: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Claims up to `limit` jobs of `kinds` (all kinds when nil) for `workerID`, leased for `lease`.
    ///
    /// Order: priority, then fair_seq (fair queuing across tenants), then id. A backup or restore
    /// is skipped while its tenant already runs one, or while another claim in progress holds the
    /// tenant's advisory lock (never waited for: two claimers waiting on each other's unique-index
    /// entries would deadlock), and at most one of them per tenant is taken per claim. The unique
    /// index `jobs_tenant_exclusive_running` turns the one remaining race — a claim whose snapshot
    /// predates another's commit — into a unique violation, on which the claim simply runs again.
    /// Advisory-lock namespace of per-tenant claim locks ("HF" in ASCII).
    static let tenantLockSpace: Int32 = 0x4846

    public func claim(workerID: UUID, limit: Int, lease: Duration, kinds: [JobKind]? = nil) async throws -> [Job] {
        guard limit > 0 else { return [] }
        let exclusive = JobKind.tenantExclusive.map(\.rawValue).sorted()
        let kindFilter = kinds?.map(\.rawValue)
        let leaseSeconds = lease.seconds
        // Candidates are locked with SKIP LOCKED (twice the limit, so skipped exclusive jobs do not
        // starve the claim); the UPDATE takes the first `limit` that pass the per-tenant rule.
        let query: PostgresQuery = """
            WITH candidates AS (
                SELECT j.id, j.tenant_id, j.kind, j.priority, j.fair_seq
                FROM jobs j
                WHERE j.state = 'available'
                  AND (\(kindFilter)::text[] IS NULL OR j.kind = ANY(\(kindFilter)::text[]))
                  AND NOT (j.kind = ANY(\(exclusive)::text[]) AND EXISTS (
                        SELECT 1 FROM jobs r
                        WHERE r.tenant_id = j.tenant_id AND r.state = 'running' AND r.kind = ANY(\(exclusive)::text[])))
                  AND (j.kind <> ALL(\(exclusive)::text[]) OR j.tenant_id IS NULL
                       OR pg_try_advisory_xact_lock(\(Self.tenantLockSpace)::int, hashtext(j.tenant_id::text)))
                ORDER BY j.priority, j.fair_seq, j.id
                LIMIT \(limit * 2)
                FOR UPDATE SKIP LOCKED
            ),
            ranked AS (
                SELECT id, priority, fair_seq,
                       CASE WHEN kind = ANY(\(exclusive)::text[]) AND tenant_id IS NOT NULL
                            THEN row_number() OVER (PARTITION BY tenant_id, kind = ANY(\(exclusive)::text[]) ORDER BY priority, fair_seq, id)
                            ELSE 1 END AS tenant_rank
                FROM candidates
            ),
            chosen AS (
                SELECT id FROM ranked WHERE tenant_rank = 1 ORDER BY priority, fair_seq, id LIMIT \(limit)
            )
            UPDATE jobs SET
                state = 'running',
                attempt = jobs.attempt + 1,
                worker_id = \(workerID),
                attempted_at = now(),
                heartbeat_at = now(),
                lease_expires_at = now() + make_interval(secs => \(leaseSeconds)),
                progress = NULL
            FROM chosen
            WHERE jobs.id = chosen.id
            RETURNING \(unescaped: Job.columns(of: "jobs"))
            """
        var conflicts = 0
        while true {
            do {
                let rows = try await client.query(query.prepared())
                var jobs = try rows.map(Job.init(row:))
                jobs.sort { ($0.priority, $0.id) < ($1.priority, $1.id) }
                return jobs
            } catch let error as PostgresError
                where [SQLState.uniqueViolation, SQLState.deadlockDetected, SQLState.serializationFailure].contains(error.sqlState) && conflicts < 20 {
                // Another worker claimed a backup or restore of the same tenant between our snapshot
                // and our update; the next statement sees its claim and skips that tenant.
                conflicts += 1
                logger.debug("claim raced another worker for a tenant-exclusive job; claiming again",
                             metadata: ["worker.id": "\(workerID)", "claim.conflicts": "\(conflicts)"])
            } catch {
                throw QueueError(code: .storage, message: "claim failed: \(error)", underlying: error)
            }
        }
    }
}
