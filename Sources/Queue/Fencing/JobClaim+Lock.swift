import Foundation
public import Postgres

extension JobClaim {
    /// Inside the caller's transaction on `connection`: true when this attempt still holds the job
    /// (running, same attempt id, lease not yet expired), and then the job's row stays locked until
    /// the transaction ends, so the rescuer, a cancellation or the next claim cannot take the job
    /// over before what the caller writes in it has committed. False when the claim is lost.
    ///
    /// This is how a handler's own writes (a snapshot's begin and commit, a restore's steps) are
    /// made conditional on the claim: the queue stays the only module that reads `jobs`.
    public func lock(on connection: PostgresConnection) async throws -> Bool {
        try await storage("lock claim") {
            try await connection.query("""
                SELECT 1 FROM jobs
                WHERE id = \(self.jobID) AND attempt_id = \(self.attemptID) AND state = 'running' AND lease_expires_at > now()
                FOR NO KEY UPDATE
                """).first != nil
        }
    }

    /// Inside the caller's transaction, after ``lock(on:)`` held: records that this attempt
    /// committed the job's outcome (a snapshot) in that transaction. A completion that requires an
    /// outcome (``JobCompleter/complete(_:requiringOutcome:)``) lands only where this record is, so
    /// an outcome lost with a failed-over primary is never reported complete.
    public func recordOutcome(on connection: PostgresConnection) async throws {
        try await storage("record outcome") {
            try await connection.query("""
                UPDATE jobs SET outcome_attempt_id = attempt_id
                WHERE id = \(self.jobID) AND attempt_id = \(self.attemptID) AND state = 'running'
                """)
        }
    }
}
