public import Postgres
public import Queue
public import Vault

// Where the queue and the vault meet: the vault's claim-check contracts, answered by the queue,
// which stays the only module that reads `jobs`.

/// `JobClaim.lock(on:)` (Queue) is the vault's claim check.
extension JobClaim: SnapshotClaim {}

extension JobAttempts: SnapshotAttemptLedger {
    public func ended(_ attempts: [SnapshotAttempt], on connection: PostgresConnection) async throws -> Set<SnapshotAttempt> {
        let ended = try await self.ended(attempts.map { (jobID: $0.jobID, attemptID: $0.attemptID) }, on: connection)
        return Set(ended.map { SnapshotAttempt(jobID: $0.jobID, attemptID: $0.attemptID) })
    }
}
