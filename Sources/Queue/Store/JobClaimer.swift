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

    /// Advisory-lock namespace of per-tenant claim locks ("HF" in ASCII).
    static let tenantLockSpace: Int32 = 0x4846

    /// Claims up to `limit` jobs of `kinds` (all kinds when nil) for `workerID`, leased for `lease`.
    ///
    /// Order: priority, then fair_seq (fair queuing across tenants), then id. A backup or restore
    /// is skipped while its tenant already runs one, or while another claim in progress holds the
    /// tenant's advisory lock (never waited for: two claimers waiting on each other's unique-index
    /// entries would deadlock), and at most one of them per tenant is taken per claim. The unique
    /// index `jobs_tenant_exclusive_running` turns the one remaining race — a claim whose snapshot
    /// predates another's commit — into a unique violation, on which the claim simply runs again.
    /// `bulkLimit`: at most this many of the jobs may be non-interactive (``QueuePriority``), the
    /// rest of `limit` only interactive ones (a worker's reserved slots).
    public func claim(workerID: UUID, limit: Int, lease: Duration, kinds: [JobKind]? = nil, bulkLimit: Int? = nil) async throws -> [Job] {
        guard limit > 0 else { return [] }
        let query = ClaimStatement(workerID: workerID, limit: limit, lease: lease, kinds: kinds,
                                   bulkLimit: bulkLimit.flatMap { $0 < limit ? $0 : nil }).query
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
