public import Foundation
public import Postgres

/// The queue's claim on the job a snapshot is written for, as the vault needs it. The queue's
/// `JobClaim` is one (the conformance is declared where both modules meet, in `Jobs`); the
/// vault never reads the queue's tables itself.
///
/// A snapshot writer keys its staging by ``attemptID``, so an attempt that lost its lease cannot
/// touch the next attempt's rows, and its begin and commit run only while ``lock(on:)`` holds.
public protocol SnapshotClaim: Sendable {
    var jobID: Int64 { get }
    /// The attempt's own id: drawn anew by each claim of the job.
    var attemptID: UUID { get }
    /// Inside the caller's transaction on `connection`: true when the attempt still holds its
    /// claim, which then stays locked until the transaction ends; false when it was lost.
    func lock(on connection: PostgresConnection) async throws -> Bool
    /// Inside the transaction that commits (or finds) the job's snapshot, after ``lock(on:)``:
    /// records that this attempt has its outcome, so the job completes only on a database that has it.
    func recordOutcome(on connection: PostgresConnection) async throws
}

/// One attempt of a job that wrote staging rows or a pending snapshot.
public struct SnapshotAttempt: Sendable, Hashable {
    public var jobID: Int64
    /// Nil: any attempt of the job (pending snapshots reserved before attempts had ids).
    public var attemptID: UUID?

    public init(jobID: Int64, attemptID: UUID?) {
        self.jobID = jobID
        self.attemptID = attemptID
    }
}

/// Tells garbage collection which attempts can never commit, so what they staged or reserved can
/// go (and the blobs only they named be collected). Implemented over the queue in `Jobs`.
public protocol SnapshotAttemptLedger: Sendable {
    /// Of `attempts`, the ones that ended: their job finished, or a later attempt took it over.
    /// Attempts of jobs the ledger does not know are not returned (their rows are kept).
    func ended(_ attempts: [SnapshotAttempt], on connection: PostgresConnection) async throws -> Set<SnapshotAttempt>
}
