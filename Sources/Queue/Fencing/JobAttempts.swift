public import Foundation
public import Postgres

/// Answers, for modules that keep rows per attempt of a job (the vault's staging and pending
/// snapshots), which attempts can no longer write anything that takes effect.
public struct JobAttempts: Sendable {
    public init() {}

    /// Of `attempts` (job id, attempt id; a nil attempt id stands for any attempt of the job), the
    /// ones that ended: their job completed, was discarded or cancelled, or a later claim drew a
    /// new attempt id. Attempts of jobs the queue does not hold (pruned, or never queued) are not
    /// listed: the caller keeps their rows.
    public func ended(_ attempts: [(jobID: Int64, attemptID: UUID?)], on connection: PostgresConnection) async throws -> [(jobID: Int64, attemptID: UUID?)] {
        guard !attempts.isEmpty else { return [] }
        let rows = try await storage("ended attempts") {
            try await connection.query("""
                SELECT a.job_id, a.attempt_id
                FROM unnest(\(attempts.map(\.jobID))::bigint[], \(attempts.map(\.attemptID))::uuid[]) AS a (job_id, attempt_id)
                JOIN jobs j ON j.id = a.job_id
                WHERE j.state IN ('completed', 'discarded', 'cancelled')
                   OR (a.attempt_id IS NOT NULL AND j.attempt_id IS DISTINCT FROM a.attempt_id)
                """)
        }
        return try rows.map { (try $0.decode(Int64.self, "job_id"), try $0.decode(UUID?.self, "attempt_id")) }
    }
}
