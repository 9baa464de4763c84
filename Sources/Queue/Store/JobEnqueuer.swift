import Foundation
public import Logging
public import Postgres

/// Puts jobs in the queue, one at a time or in batches, alone or inside the caller's transaction.
///
/// Every request passes `checks` first (its arguments against its kind's ``JobArguments`` type,
/// its tenant through the admission), in the same transaction as the insert: a job a worker
/// could not run is refused here, with the reason.
public struct JobEnqueuer: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    public let checks: EnqueueChecks

    public init(client: PostgresClient, logger: Logger, checks: EnqueueChecks) {
        self.client = client
        self.logger = logger
        self.checks = checks
    }

    public func enqueue(_ request: EnqueueRequest) async throws -> EnqueueResult {
        let results = try await enqueue([request])
        return results[0]
    }

    /// Inserts every request in one statement; results are in request order. A request whose
    /// unique key is taken by a pending job gets that job back (`inserted == false`).
    public func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] {
        try await client.withTransaction(logger: logger) { try await enqueue(requests, on: $0) }
    }

    /// The same, on the caller's connection: inside its transaction, the jobs commit or roll back
    /// with the caller's own writes.
    public func enqueue(_ requests: [EnqueueRequest], on connection: PostgresConnection) async throws -> [EnqueueResult] {
        guard !requests.isEmpty else { return [] }
        for request in requests {
            guard !request.kind.rawValue.isEmpty else { throw QueueError(code: .invalidRequest, message: "a job needs a kind") }
            guard request.maxAttempts > 0 else {
                throw QueueError(code: .invalidRequest, message: "max attempts must be positive (got \(request.maxAttempts))")
            }
        }
        try await self.checks.check(requests, on: connection)
        let kinds = requests.map(\.kind.rawValue)
        let tenants = requests.map(\.tenantID)
        let priorities = requests.map(\.priority)
        let runAts = requests.map(\.runAt)
        let arguments = requests.map(\.arguments)
        let maxAttempts = requests.map(\.maxAttempts)
        let uniqueKeys = requests.map(\.uniqueKey)
        // fair_seq: a tenant's next job goes one place behind its last available job, or at the
        // queue's head when it has none, so a tenant's backlog never pushes others back.
        let query: PostgresQuery = """
            WITH input AS (
                SELECT * FROM unnest(\(kinds)::text[], \(tenants)::uuid[], \(priorities)::int[], \(runAts)::timestamptz[],
                                     \(arguments)::jsonb[], \(maxAttempts)::int[], \(uniqueKeys)::text[])
                    WITH ORDINALITY AS i(kind, tenant_id, priority, run_at, args, max_attempts, unique_key, ord)
            ),
            head AS (SELECT min(fair_seq) AS seq FROM jobs WHERE state = 'available'),
            tenant_tail AS (
                SELECT t.tenant_id,
                       (SELECT max(j.fair_seq) FROM jobs j WHERE j.tenant_id = t.tenant_id AND j.state = 'available') AS seq
                FROM (SELECT DISTINCT tenant_id FROM input WHERE tenant_id IS NOT NULL) t
            ),
            keyed AS (
                SELECT input.*,
                       coalesce(tenant_tail.seq + 1, head.seq, 0)
                         + CASE WHEN input.tenant_id IS NULL THEN 0
                                ELSE row_number() OVER (PARTITION BY input.tenant_id ORDER BY input.ord) - 1 END AS fair_seq
                FROM input CROSS JOIN head LEFT JOIN tenant_tail ON tenant_tail.tenant_id = input.tenant_id
            ),
            inserted AS (
                INSERT INTO jobs (kind, tenant_id, state, priority, run_at, fair_seq, args, max_attempts, unique_key)
                SELECT kind, tenant_id,
                       CASE WHEN run_at IS NOT NULL AND run_at > now() THEN 'scheduled' ELSE 'available' END,
                       priority, coalesce(run_at, now()), fair_seq, args, max_attempts, unique_key
                FROM keyed ORDER BY ord
                ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('scheduled', 'available', 'running', 'retryable')
                DO NOTHING
                RETURNING \(unescaped: Job.columns)
            )
            SELECT \(unescaped: Job.columns), true AS inserted FROM inserted
            UNION ALL
            SELECT \(unescaped: Job.columns(of: "j")), false AS inserted FROM jobs j
            WHERE j.unique_key IN (SELECT unique_key FROM input WHERE unique_key IS NOT NULL)
              AND j.state IN ('scheduled', 'available', 'running', 'retryable')
              AND j.unique_key NOT IN (SELECT unique_key FROM inserted WHERE unique_key IS NOT NULL)
            """
        let rows = try await storage("enqueue") { try await connection.query(query.prepared()) }
        var byKey: [String: EnqueueResult] = [:]
        var fresh: [EnqueueResult] = []
        for row in rows {
            let result = EnqueueResult(job: try Job(row: row), inserted: try row.decode(Bool.self, "inserted"))
            if let key = result.job.uniqueKey { byKey[key] = result } else { fresh.append(result) }
        }
        fresh.sort { $0.job.id < $1.job.id }
        var results: [EnqueueResult] = []
        results.reserveCapacity(requests.count)
        var freshIterator = fresh.makeIterator()
        var seenKeys: Set<String> = []
        for request in requests {
            if let key = request.uniqueKey {
                if var result = byKey[key] {
                    // A key repeated within one batch: the first request inserted it, the rest get it back.
                    if !seenKeys.insert(key).inserted { result.inserted = false }
                    results.append(result)
                } else {
                    // Taken by a job committed after this statement's snapshot began: read it now.
                    results.append(try await existing(uniqueKey: key, on: connection, request: request))
                }
            } else if let result = freshIterator.next() {
                results.append(result)
            } else {
                throw QueueError(code: .storage, message: "enqueue returned fewer jobs than requested")
            }
        }
        logger.debug("enqueued jobs", metadata: ["jobs.requested": "\(requests.count)", "jobs.inserted": "\(results.filter(\.inserted).count)"])
        return results
    }

    private func existing(uniqueKey: String, on connection: PostgresConnection, request: EnqueueRequest) async throws -> EnqueueResult {
        let rows = try await storage("enqueue") {
            try await connection.query("""
                SELECT \(unescaped: Job.columns) FROM jobs
                WHERE unique_key = \(uniqueKey) AND state IN ('scheduled', 'available', 'running', 'retryable')
                """)
        }
        if let row = rows.first { return EnqueueResult(job: try Job(row: row), inserted: false) }
        // The holder finished in between: the key is free again.
        let retried = try await enqueue([request], on: connection)
        return retried[0]
    }
}
