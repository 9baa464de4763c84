public import Foundation
import Postgres

extension JobAdministrator {
    /// Bounded counts of waiting, running, retryable and recently failed jobs, optionally of some
    /// tenants only. Each count reads at most `cap` rows through a partial index (`jobs_claim`,
    /// `jobs_lease`, `jobs_due`, `jobs_finalized`), so its cost does not grow with the table.
    public func health(tenantIDs: [UUID]? = nil, failedSince: Date, cap: Int = 1000) async throws -> QueueHealth {
        let cap = max(1, cap)
        let rows = try await storage("queue health") {
            try await client.query("""
                SELECT
                  (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'available'
                      AND (\(tenantIDs)::uuid[] IS NULL OR tenant_id = ANY(\(tenantIDs)::uuid[])) LIMIT \(cap)) a) AS available,
                  (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'running'
                      AND (\(tenantIDs)::uuid[] IS NULL OR tenant_id = ANY(\(tenantIDs)::uuid[])) LIMIT \(cap)) r) AS running,
                  (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'retryable'
                      AND (\(tenantIDs)::uuid[] IS NULL OR tenant_id = ANY(\(tenantIDs)::uuid[])) LIMIT \(cap)) y) AS retryable,
                  (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'discarded' AND finalized_at >= \(failedSince)
                      AND (\(tenantIDs)::uuid[] IS NULL OR tenant_id = ANY(\(tenantIDs)::uuid[])) LIMIT \(cap)) f) AS failed,
                  (SELECT min(run_at) FROM jobs WHERE state = 'available'
                      AND (\(tenantIDs)::uuid[] IS NULL OR tenant_id = ANY(\(tenantIDs)::uuid[]))) AS oldest
                """)
        }
        guard let row = rows.first else { throw QueueError(code: .storage, message: "queue health returned no row") }
        return QueueHealth(cap: cap, available: try row.decode(Int.self, "available"), running: try row.decode(Int.self, "running"),
                           retryable: try row.decode(Int.self, "retryable"), failedRecently: try row.decode(Int.self, "failed"),
                           failedSince: failedSince, oldestAvailableSince: try row.decode(Date?.self, "oldest"))
    }
}

extension JobAdministrator {
    /// The queue per kind: bounded counts of waiting, running and retrying jobs of each of `kinds`
    /// (plus every kind that has a waiting job), each reading at most `cap` rows through the partial
    /// index of its state, and the oldest wait from ``oldestAvailableAgeByKind()`` (the query the
    /// coordinator's `holdfast_queue_oldest_available_age_seconds` gauge samples). Sorted by kind.
    public func queueByKind(kinds: [JobKind], cap: Int = 1000) async throws -> [KindQueue] {
        let cap = max(1, cap)
        let ages = try await oldestAvailableAgeByKind()
        let names = Set(kinds.map(\.rawValue)).union(ages.keys.map(\.rawValue)).sorted()
        let rows = try await storage("queue by kind") {
            try await client.query("""
                SELECT k.kind,
                  (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'available' AND kind = k.kind LIMIT \(cap)) a)::int AS waiting,
                  (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'running' AND kind = k.kind LIMIT \(cap)) r)::int AS running,
                  (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 'retryable' AND kind = k.kind LIMIT \(cap)) y)::int AS retrying
                FROM unnest(\(names)::text[]) AS k(kind) ORDER BY k.kind
                """)
        }
        return try rows.map { row in
            let kind = JobKind(try row.decode(String.self, "kind"))
            return KindQueue(kind: kind, waiting: try row.decode(Int.self, "waiting"), running: try row.decode(Int.self, "running"),
                             retrying: try row.decode(Int.self, "retrying"), oldestWaitSeconds: ages[kind])
        }
    }

    /// Running jobs per worker (the slots each uses). Not capped: running rows are bounded by the
    /// fleet's slots (plus expired leases awaiting the rescuer), and a cap over all workers would
    /// undercount whichever workers the scan reached last.
    public func runningByWorker() async throws -> [UUID: Int] {
        let rows = try await storage("running jobs by worker") {
            try await client.query("""
                SELECT worker_id, count(*)::int AS n FROM jobs WHERE state = 'running' AND worker_id IS NOT NULL GROUP BY worker_id
                """)
        }
        var counts: [UUID: Int] = [:]
        for row in rows { counts[try row.decode(UUID.self, "worker_id")] = try row.decode(Int.self, "n") }
        return counts
    }
}
