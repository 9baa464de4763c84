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
